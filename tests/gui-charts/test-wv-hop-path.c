/* test-wv-hop-path.c: traceroute path data, MTU changes and ECMP
 * differences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include "wv-hop-path.h"

static WvHop
hop (const char *address,
     guint       mtu)
{
  return (WvHop) {
    .address = address,
    .rtt_min_ms = 1,
    .rtt_avg_ms = 2,
    .rtt_max_ms = 3,
    .loss_pct = 0,
    .mtu = mtu,
  };
}

static void
test_basics (void)
{
  g_autoptr(WvHopPath) path = wv_hop_path_new ("conn 1", "192.0.2.10", "203.0.113.5");
  WvHop h = hop ("198.51.100.1", 0);
  const WvHop *got;

  g_assert_cmpstr (wv_hop_path_get_label (path), ==, "conn 1");
  g_assert_cmpstr (wv_hop_path_get_source (path), ==, "192.0.2.10");
  g_assert_cmpstr (wv_hop_path_get_destination (path), ==, "203.0.113.5");
  g_assert_cmpuint (wv_hop_path_get_n_hops (path), ==, 0);
  g_assert_false (wv_hop_path_get_reached (path));
  /* Source and the unreached destination. */
  g_assert_cmpuint (wv_hop_path_get_n_nodes (path), ==, 2);

  g_assert_true (wv_hop_path_add_hop (path, &h));
  h = hop (NULL, 0);
  g_assert_true (wv_hop_path_add_hop (path, &h));
  g_assert_false (wv_hop_path_get_reached (path));
  g_assert_cmpuint (wv_hop_path_get_n_nodes (path), ==, 4);

  h = hop ("203.0.113.5", 0);
  g_assert_true (wv_hop_path_add_hop (path, &h));
  g_assert_true (wv_hop_path_get_reached (path));
  /* The last hop is the destination: no extra node. */
  g_assert_cmpuint (wv_hop_path_get_n_nodes (path), ==, 4);

  got = wv_hop_path_get_hop (path, 0);
  g_assert_cmpstr (got->address, ==, "198.51.100.1");
  g_assert_cmpfloat (got->rtt_avg_ms, ==, 2);
  g_assert_null (wv_hop_path_get_hop (path, 1)->address);
  g_assert_null (wv_hop_path_get_hop (path, 3));

  /* The boxed type shares the reference. */
  {
    WvHopPath *copy = g_boxed_copy (WV_TYPE_HOP_PATH, path);

    g_assert_true (copy == path);
    g_boxed_free (WV_TYPE_HOP_PATH, copy);
  }
}

static void
test_sanitize (void)
{
  g_autoptr(WvHopPath) path = wv_hop_path_new (NULL, "", "\xff" "bad");
  WvHop h = {
    .address = "*",
    .hostname = "",
    .rtt_min_ms = -3,
    .rtt_avg_ms = NAN,
    .rtt_max_ms = INFINITY,
    .loss_pct = 250,
  };
  const WvHop *got;

  g_assert_null (wv_hop_path_get_label (path));
  g_assert_null (wv_hop_path_get_source (path));
  g_assert_true (g_utf8_validate (wv_hop_path_get_destination (path), -1, NULL));

  g_assert_true (wv_hop_path_add_hop (path, &h));
  got = wv_hop_path_get_hop (path, 0);
  g_assert_null (got->address);
  g_assert_null (got->hostname);
  g_assert_true (isnan (got->rtt_min_ms));
  g_assert_true (isnan (got->rtt_avg_ms));
  g_assert_true (isnan (got->rtt_max_ms));
  g_assert_cmpfloat (got->loss_pct, ==, 100);

  h.address = "10.0.0.1\xfe";
  h.loss_pct = -1;
  g_assert_true (wv_hop_path_add_hop (path, &h));
  got = wv_hop_path_get_hop (path, 1);
  g_assert_true (g_utf8_validate (got->address, -1, NULL));
  g_assert_true (g_str_has_prefix (got->address, "10.0.0.1"));
  g_assert_cmpfloat (got->loss_pct, ==, 0);

  h.loss_pct = NAN;
  g_assert_true (wv_hop_path_add_hop (path, &h));
  g_assert_true (isnan (wv_hop_path_get_hop (path, 2)->loss_pct));

  /* A bounded number of hops. */
  for (guint i = wv_hop_path_get_n_hops (path); i < WV_HOP_PATH_MAX_HOPS; i++)
    g_assert_true (wv_hop_path_add_hop (path, &h));
  g_assert_false (wv_hop_path_add_hop (path, &h));
  g_assert_cmpuint (wv_hop_path_get_n_hops (path), ==, WV_HOP_PATH_MAX_HOPS);

  /* Long names are cut to 128 characters. */
  {
    g_autofree char *long_name = g_strnfill (1000, 'x');
    g_autoptr(WvHopPath) named = wv_hop_path_new (long_name, NULL, NULL);

    g_assert_cmpuint (strlen (wv_hop_path_get_label (named)), ==, 128);
  }
}

static void
test_link_mtu (void)
{
  g_autoptr(WvHopPath) path = wv_hop_path_new (NULL, "a", "z");
  const guint mtus[] = { 0, 1500, 1400, 0, 1400, 1280 };

  for (guint i = 0; i < G_N_ELEMENTS (mtus); i++)
    {
      WvHop h = hop ("x", mtus[i]);

      wv_hop_path_add_hop (path, &h);
    }

  /* Without a source MTU the first MTU seen is no change. */
  g_assert_cmpuint (wv_hop_path_get_link_mtu (path, 0), ==, 0);
  g_assert_cmpuint (wv_hop_path_get_link_mtu (path, 1), ==, 0);
  g_assert_cmpuint (wv_hop_path_get_link_mtu (path, 2), ==, 1400);
  g_assert_cmpuint (wv_hop_path_get_link_mtu (path, 3), ==, 0);
  g_assert_cmpuint (wv_hop_path_get_link_mtu (path, 4), ==, 0);
  g_assert_cmpuint (wv_hop_path_get_link_mtu (path, 5), ==, 1280);
  g_assert_cmpuint (wv_hop_path_get_link_mtu (path, 6), ==, 0);

  /* Against a source MTU of 9000 the 1500 at TTL 2 is a change too. */
  wv_hop_path_set_source_mtu (path, 9000);
  g_assert_cmpuint (wv_hop_path_get_source_mtu (path), ==, 9000);
  g_assert_cmpuint (wv_hop_path_get_link_mtu (path, 1), ==, 1500);
  g_assert_cmpuint (wv_hop_path_get_link_mtu (path, 2), ==, 1400);
}

static WvHopPath *
path_of (const char * const *addresses,
         guint               n)
{
  WvHopPath *path = wv_hop_path_new (NULL, "s", "d");

  for (guint i = 0; i < n; i++)
    {
      WvHop h = hop (addresses[i], 0);

      wv_hop_path_add_hop (path, &h);
    }

  return path;
}

static void
test_differences (void)
{
  const char *a[] = { "r1", "r2a", "r3", "d" };
  const char *b[] = { "r1", "r2b", "r3", "d" };
  const char *c[] = { "r1", NULL, "r3" };
  const char *d[] = { "r1", "r2a", "r3x", "d", "extra" };
  g_autoptr(WvHopPath) pa = path_of (a, G_N_ELEMENTS (a));
  g_autoptr(WvHopPath) pb = path_of (b, G_N_ELEMENTS (b));
  g_autoptr(WvHopPath) pc = path_of (c, G_N_ELEMENTS (c));
  g_autoptr(WvHopPath) pd = path_of (d, G_N_ELEMENTS (d));
  g_autofree gboolean *diff = NULL;
  guint n = 99;

  {
    WvHopPath *paths[] = { pa, pb, pc };

    diff = wv_hop_paths_find_differences (paths, G_N_ELEMENTS (paths), &n);
    g_assert_cmpuint (n, ==, 4);
    g_assert_false (diff[0]);
    g_assert_true (diff[1]);
    g_assert_false (diff[2]);
    g_assert_false (diff[3]);
    g_clear_pointer (&diff, g_free);
  }

  /* Silent hops are unknown, not different; a longer path adds TTLs that
   * nothing else reached, which do not differ either. */
  {
    WvHopPath *paths[] = { pa, pc, pd };

    diff = wv_hop_paths_find_differences (paths, G_N_ELEMENTS (paths), &n);
    g_assert_cmpuint (n, ==, 5);
    g_assert_false (diff[0]);
    g_assert_false (diff[1]);
    g_assert_true (diff[2]);
    g_assert_false (diff[3]);
    g_assert_false (diff[4]);
    g_clear_pointer (&diff, g_free);
  }

  /* One path, NULL entries, nothing at all. */
  {
    WvHopPath *paths[] = { pa, NULL };

    diff = wv_hop_paths_find_differences (paths, G_N_ELEMENTS (paths), &n);
    g_assert_cmpuint (n, ==, 4);
    for (guint i = 0; i < n; i++)
      g_assert_false (diff[i]);
    g_clear_pointer (&diff, g_free);

    g_assert_null (wv_hop_paths_find_differences (NULL, 0, &n));
    g_assert_cmpuint (n, ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hop-path/basics", test_basics);
  g_test_add_func ("/hop-path/sanitize", test_sanitize);
  g_test_add_func ("/hop-path/link-mtu", test_link_mtu);
  g_test_add_func ("/hop-path/differences", test_differences);

  return g_test_run ();
}
