/* wv-protocol.h: control messages and probe packets between two ends
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything a peer sends is untrusted: parsers check every field and
 * bound every size, and report malformed input as a GError without side
 * effects. docs/protocol.md is the reference for the formats.
 */
#pragma once

#include <glib.h>

#include "wv-record.h"

G_BEGIN_DECLS

#define WV_PROTOCOL_VERSION 1

#define WV_PROTOCOL_ERROR (wv_protocol_error_quark ())
GQuark wv_protocol_error_quark (void);

typedef enum {
  WV_PROTOCOL_ERROR_MALFORMED,     /* not JSON / truncated packet / bad field */
  WV_PROTOCOL_ERROR_UNKNOWN_TYPE,  /* well-formed, but a type we do not know */
  WV_PROTOCOL_ERROR_VERSION,       /* an incompatible protocol version */
  WV_PROTOCOL_ERROR_TOO_LARGE,
} WvProtocolError;

/* Limits of the protocol (also in docs/protocol.md). */
#define WV_CONTROL_MAX_SIZE   (64 * 1024)   /* bytes of one control message */
#define WV_MAX_CLASSES        8             /* DSCP classes in one stream set */
#define WV_PROBE_MIN_SIZE     16
#define WV_PROBE_MAX_SIZE     1184          /* one SCTP packet */
#define WV_ECHO_SIZE          32
#define WV_ECHO_WIRE_SIZE     60            /* an echo with follow-ups (peers that said wire_times) */
#define WV_FOLLOWUP_SIZE      44
#define WV_MAX_FOLLOWUPS      2
#define WV_MAX_RATE_PPS       1000
#define WV_MAX_BULK_BPS       (200 * 1000 * 1000)
#define WV_MAX_ID_LEN         64
#define WV_MAX_DURATION_S     (7 * 24 * 3600) /* start_streams duration_s */

/* --- probe-channel packets (binary, network byte order) ----------------- */

typedef enum {
  WV_PACKET_PROBE = 1,      /* one probe of a stream */
  WV_PACKET_ECHO = 2,       /* the receiver's answer to a probe */
  WV_PACKET_BULK = 3,       /* throughput traffic on the bulk channel */
  WV_PACKET_FOLLOWUP = 4,   /* follow-ups only, after a stream's last probe
                             * (only to peers that said wire_times) */
} WvPacketKind;

/* Two-step timing (docs/statistics.md, "Wire times"): a packet cannot carry
 * the time it leaves the socket, so later packets of the same stream carry
 * the wire send time of earlier ones. */
typedef struct {
  guint32 seq;              /* the probe (or, in an echo, the echoed probe) */
  gint64 wire_ns;           /* when its datagram was handed to sendmsg(), sender's clock */
} WvFollowUp;

typedef struct {
  WvPacketKind kind;
  guint8 class_index;       /* the stream's class, 0 = first: the default class
                             * when none were asked for, else WvClasses order */
  guint32 seq;
  gint64 t1;                /* sender's CLOCK_REALTIME at send, ns */
  /* echoes only: */
  gint64 t2;                /* receiver's receive time of the probe, ns */
  gint64 t3;                /* receiver's send time of the echo, ns */
  gsize size;               /* total packet size (probes/bulk are padded) */
  /* probes (in their padding), long echoes and follow-up packets: */
  guint n_followups;
  WvFollowUp followups[WV_MAX_FOLLOWUPS];
} WvPacket;

/* Writes a packet of @size bytes (>= the kind's minimum) into @buf, which
 * must hold @size bytes; padding is zero. Returns the size written, or 0 if
 * @size is out of range. A probe carries as many follow-ups as fit in its
 * size (none below 32 bytes); an echo carries them only at
 * WV_ECHO_WIRE_SIZE. */
gsize wv_packet_write (const WvPacket *packet, guint8 *buf, gsize size);
gboolean wv_packet_parse (const guint8 *data, gsize len, WvPacket *out, GError **error);

/* --- testprobe-channel packets (binary, network byte order) ------------ */

/* Traceroute and MTU probes travel on the testprobe channel with per-packet
 * options; the peer acknowledges each one it receives, with the size and
 * TTL it arrived with. A padded probe also says the size it was padded to,
 * so that a receiver that cannot see the datagram's size (a web browser)
 * can still acknowledge it with that size. */
typedef enum {
  WV_TESTPROBE = 4,
  WV_TESTPROBE_ACK = 5,
  /* After an ack, to a peer that said wire_times: the ack's wire send time
   * (in t1), so the prober takes the turnaround wire to wire. */
  WV_TESTPROBE_ACK_WIRE = 6,
} WvTestProbeKind;

#define WV_TESTPROBE_MIN_SIZE 20  /* what a receiver accepts (earlier probes) */
#define WV_TESTPROBE_SIZE 22      /* what we send, before padding */
#define WV_TESTPROBE_ACK_SIZE 40

typedef struct {
  WvTestProbeKind kind;
  guint8 ttl;               /* TTL / hop limit it was sent with */
  guint64 probe_id;
  gint64 t1;                /* sender's send time */
  /* probes: the UDP payload length the sender padded the datagram to, 0 =
   * not padded (or a 20-byte probe of an earlier sender); acks: the UDP
   * payload length the probe arrived in */
  guint16 udp_length;
  /* acks only: */
  gint16 rx_ttl;            /* -1 unknown */
  gint64 t2;                /* receive time at the peer */
  gint64 t3;                /* ack send time */
} WvTestProbe;

gsize wv_testprobe_write (const WvTestProbe *p, guint8 *buf, gsize size);
gboolean wv_testprobe_parse (const guint8 *data, gsize len, WvTestProbe *out, GError **error);

/* --- control messages (JSON objects with a "type" tag) -------------------- */

typedef enum {
  WV_MSG_HELLO,
  WV_MSG_START_STREAMS,
  WV_MSG_STREAMS_STARTED,
  WV_MSG_STOP_STREAMS,
  WV_MSG_STREAMS_STOPPED,
  WV_MSG_STATS,
  WV_MSG_ERROR,
  WV_MSG_BYE,
  WV_MSG_PATH_REQUEST,
  WV_MSG_PATH_RESULT,
  WV_MSG_OUTAGE,
  WV_N_MSG_TYPES
} WvMsgType;

const char *wv_msg_type_to_string (WvMsgType type);

typedef struct {
  gboolean synced;          /* the end trusts its clock (NTP-synchronised) */
  double error_ms;          /* its estimated clock error, -1 unknown */
  char boot_id[40];         /* kernel boot id: equal on one host = one clock */
} WvClockInfo;

/* hello: first message on the control channel, both ways. */
typedef struct {
  guint protocol;
  char software[64];
  char role[8];             /* "client" or "server" */
  char session[WV_MAX_ID_LEN + 1];
  char conn[WV_MAX_ID_LEN + 1];
  WvClockInfo clock;
  /* Optional (absent = FALSE): the end sends follow-ups with wire send
   * times, in its probes' padding, in long echoes and in follow-up packets,
   * and reads long echoes and follow-up packets. */
  gboolean wire_times;
} WvMsgHello;

typedef struct {
  guint n_classes;          /* 0: the default class only */
  int dscp[WV_MAX_CLASSES]; /* 0-63 */
} WvClasses;

/* start_streams (client -> server) and streams_started (the server's
 * answer, with the parameters after its caps). */
typedef struct {
  guint rate_pps;           /* probes per second per direction and class */
  guint probe_size;         /* bytes, WV_PROBE_MIN_SIZE..WV_PROBE_MAX_SIZE */
  guint64 bulk_bps;         /* bulk traffic per direction, 0 = off */
  double duration_s;        /* the server stops sending after this */
  WvClasses classes;
  gboolean capped;          /* streams_started: the server lowered something */
  char reason[128];         /* why, when capped */
} WvMsgStreams;

/* stats: once per second and window, each end reports what it received
 * (rx) and what it measured about what it sent (tx). */
typedef struct {
  gint64 time_ns;
  guint window_s;           /* 1, 10, 60; 0 = whole run (summary) */
  guint class_index;
  /* the direction this end receives */
  WvDirection rx_dir;
  WvRxRecord rx;
  WvOwdMode owd_mode;
  /* the direction this end sends */
  WvSummary rtt_ms;
  double sched_err_p99_ms;
  guint64 probes_sent;
  /* Optional (absent: 0 / unknown): RTT samples timed wire to wire, and
   * the clock skew this end estimated (peer minus local, ppm; NaN unknown). */
  guint rtt_wire_samples;
  double skew_ppm;
} WvMsgStats;

typedef struct {
  char code[32];
  char message[256];
} WvMsgError;

/* path_request (client -> server): trace and/or probe the MTU of the path
 * from the server to the client. */
#define WV_MAX_TTL 64
#define WV_MAX_ROUNDS 10
#define WV_MTU_MIN 576
#define WV_MTU_MAX 9000
#define WV_MTU_MAX_SIZES 16

typedef struct {
  gboolean trace;
  guint max_ttl;            /* 1..WV_MAX_TTL */
  guint rounds;             /* 1..WV_MAX_ROUNDS */
  gboolean mtu;
  guint mtu_max;            /* WV_MTU_MIN..WV_MTU_MAX */
  /* The sizes the MTU search tries first, before it narrows down to the
   * byte (each WV_MTU_MIN..WV_MTU_MAX; those above mtu_max are not used).
   * 0 sizes: the reference list, wv_mtu_sizes_default(). */
  guint n_mtu_sizes;
  guint mtu_sizes[WV_MTU_MAX_SIZES];
  /* Traceroute probes marked with this DSCP (0..63), so that the routers'
   * quotes show where the marking changed; unmarked when !trace_marked. */
  gboolean trace_marked;
  guint trace_dscp;
} WvMsgPathRequest;

/* path_result (server -> client): one result of a path_request, or the end
 * of it (kind WV_N_RECORD_TYPES, "done", with an error text if it failed). */
typedef struct {
  WvRecordType kind;        /* WV_RECORD_HOP, _MTU, _PATH_MTU, or WV_N_RECORD_TYPES */
  WvHopRecord hop;
  WvMtuRecord mtu;
  WvPathMtuRecord path_mtu;
  char error[128];
} WvMsgPathResult;

/* outage: a gap the sending end saw in the streams it receives (rx_dir),
 * reported when the streams came back. Times are the sender's
 * CLOCK_REALTIME arrival stamps, ns. */
typedef struct {
  WvDirection rx_dir;
  gint64 start_ns;
  gint64 end_ns;
  guint64 probes_lost;
} WvMsgOutage;

typedef struct {
  WvMsgType type;
  union {
    WvMsgHello hello;
    WvMsgStreams streams;   /* start_streams, streams_started */
    WvMsgStats stats;
    WvMsgError error;       /* error, bye (message = reason) */
    WvMsgPathRequest path_request;
    WvMsgPathResult path_result;
    WvMsgOutage outage;
  };
} WvMsg;

/* Returns a newly allocated JSON text (NULL only for a type out of range). */
char *wv_msg_serialize (const WvMsg *msg);
/* Checks @msg against the same rules wv_msg_parse applies (ranges, string
 * lengths, UTF-8). A message that passes is serialised by wv_msg_serialize
 * into a text that wv_msg_parse gives back unchanged. One that does not is
 * still serialised as valid JSON: free text is made acceptable (cut to its
 * buffer, '?' for invalid UTF-8, ' ' for control characters), NaN becomes
 * null, and the peer rejects what remains out of range as MALFORMED. */
gboolean wv_msg_validate (const WvMsg *msg, GError **error);
/* Parses one control message; unknown fields are ignored, unknown types are
 * WV_PROTOCOL_ERROR_UNKNOWN_TYPE, anything out of range is MALFORMED. */
gboolean wv_msg_parse (const char *text, gsize len, WvMsg *out, GError **error);

/* The token pass of wv_msg_parse() on its own, for other JSON objects a
 * peer sends (the HTTP API's bodies): @text is one RFC 8259 object, nested
 * at most 32 levels, with integers that fit 64 bits. Does not check UTF-8. */
gboolean wv_json_check_object (const char *text, gsize len, GError **error);

G_END_DECLS
