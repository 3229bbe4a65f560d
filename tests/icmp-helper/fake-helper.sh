#!/bin/sh
# fake-helper.sh: stands in for wifi-verify-icmp-helper in test-icmp-client,
# so that the client's handling of broken, hostile or dying helpers can be
# tested.  Configured through files in $FAKE_HELPER_DIR (the test sets it in
# a wrapper script rather than in its own, multi-threaded environment):
#   mode          the behaviour (default "ok")
#   refuse        a port whose "watch" is refused as not owned (default 9)
#   requests.log  every request line is appended, then "eof" at end of input

dir=${FAKE_HELPER_DIR:?}
mode=$(cat "$dir/mode" 2>/dev/null || echo ok)
refuse=$(cat "$dir/refuse" 2>/dev/null || echo 9)
log=$dir/requests.log

good_support="icmp4=open icmp6=open start=root uid=65534 gid=65534 caps=none bounding=cleared nnp=yes nnp-at-start=no seccomp=on owner-check=off timestamps=kernel"

case $mode in
  privdrop-fail)
    echo "wifi-verify-icmp-helper: privilege drop failed: setresuid(65534): Operation not permitted; refusing to run" >&2
    exit 2 ;;
  long-line)
    head -c 3000 /dev/zero | tr '\0' x
    # Stay alive: the client must end us on its own.
    while read -r line; do :; done
    exit 0 ;;
esac

w4=0
w6=0
while IFS= read -r line; do
  echo "$line" >> "$log"
  set -- $line
  tok=$1
  cmd=$2
  case "$mode:$cmd" in
    garbage:version)
      echo "hello world" ;;
    bad-protocol:version)
      echo "$tok ok protocol=2 program=wifi-verify-icmp-helper version=9.9" ;;
    *:version)
      echo "$tok ok protocol=1 program=wifi-verify-icmp-helper version=fake-1" ;;
    kept-root:check-support)
      echo "$tok ok icmp4=open icmp6=open start=root uid=0 gid=0 caps=none bounding=cleared nnp=yes nnp-at-start=no seccomp=on owner-check=off timestamps=kernel" ;;
    no-raw:check-support)
      echo "$tok ok icmp4=EPERM icmp6=EAFNOSUPPORT start=none uid=1000 gid=1000 caps=none bounding=kept nnp=yes nnp-at-start=no seccomp=on owner-check=on timestamps=user" ;;
    nnp:check-support)
      echo "$tok ok icmp4=EPERM icmp6=EPERM start=none uid=1000 gid=1000 caps=none bounding=kept nnp=yes nnp-at-start=yes seccomp=on owner-check=on timestamps=user" ;;
    hang:check-support)
      ;;
    *:check-support)
      echo "$tok ok $good_support" ;;
    *:watch)
      if [ "$4" = "$refuse" ]; then
        echo "$tok error port-not-owned"
        continue
      fi
      if [ "$3" = udp4 ]; then w4=$((w4 + 1)); else w6=$((w6 + 1)); fi
      echo "$tok ok watched4=$w4 watched6=$w6"
      case $mode in
        event)
          echo "* icmp family=4 from=192.0.2.1 ifindex=2 type=11 code=0 mtu=0 time=1700000000123456789 clock=kernel src=192.0.2.10 dst=198.51.100.7 ttl=1 tos=40 totlen=32 id=7 df=1 sport=$4 dport=33434 ulen=12 ucsum=4660 datalen=4 data=deadbeef"
          echo "* icmp family=6 from=2001:db8::1 ifindex=3 type=2 code=0 mtu=1280 time=1700000000999999999 clock=user src=2001:db8::10 dst=2001:db8:1::7 hlim=64 tclass=184 flow=74565 paylen=1240 sport=$4 dport=443 ulen=1240 ucsum=0 datalen=0 data=-"
          echo "* dropped count=5" ;;
        bad-event)
          echo "* icmp family=4 from=999.0.2.1 ifindex=2 type=11 code=0 mtu=0 time=1 clock=kernel src=192.0.2.10 dst=198.51.100.7 ttl=1 tos=0 totlen=32 id=7 df=1 sport=$4 dport=33434 ulen=12 ucsum=0 datalen=0 data=-" ;;
        die-after-watch)
          echo "boom" >&2
          exit 7 ;;
      esac ;;
    *:unwatch)
      echo "$tok error not-watched" ;;
    *)
      echo "$tok error unknown-command" ;;
  esac
done
echo eof >> "$log"
