#!/bin/sh
# Entry point of the actorrt image: runs `actorrt "$@"`.
#
# An Orleans silo must advertise an IP address that the other silos and the gateways can reach; a host name does not
# parse (`--advertised-address` takes an IP). Inside a container that is the container's own address, known only at
# run time, so for `actorrt silo` without --advertised-address (and without ActorRuntime__Silo__AdvertisedAddress in
# the environment) this script adds `--advertised-address <first address of hostname -i>`.
set -eu

if [ "${1:-}" = "silo" ]; then
  case " $* " in
    *" --advertised-address "*|*" --advertised-address="*) ;;
    *)
      if [ -z "${ActorRuntime__Silo__AdvertisedAddress:-}" ]; then
        ips="$(hostname -i 2>/dev/null || true)"
        [ -n "$ips" ] || ips="$(getent hosts "$(cat /etc/hostname 2>/dev/null)" 2>/dev/null | awk '{print $1}' || true)"
        # `hostname -I` (every configured address) covers hosts whose name maps to a loopback address.
        ips="$ips $(hostname -I 2>/dev/null || true)"
        address="$(printf '%s\n' $ips | grep -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' | grep -v '^127\.' | head -n 1 || true)"
        if [ -z "$address" ]; then
          echo "entrypoint: could not find this container's IPv4 address (hostname -i: $(hostname -i 2>&1)); pass --advertised-address" >&2
          exit 2
        fi
        set -- "$@" --advertised-address "$address"
        echo "entrypoint: advertising $address" >&2
      fi
      ;;
  esac
fi

exec dotnet "${ACTORRT_DLL:-/opt/actorrt/actorrt.dll}" "$@"
