#!/bin/sh
# Mosquitto with GridSense's password file and ACL (written by GridSense into a shared volume) and
# the TLS pair, reloaded (SIGHUP) whenever GridSense rewrites the files. Mosquitto reads them as
# its own user after dropping root, so each version is copied in owned by that user, 0600.
set -eu
AUTH_IN=${AUTH_IN:-/gridsense-auth}
TLS_IN=${TLS_IN:-/tls}
HOME_DIR=${MOSQUITTO_HOME:-/mosquitto}
RUN_AS=${RUN_AS:-mosquitto}

copy_in() { # <from> <to>
  install -o "$RUN_AS" -g "$RUN_AS" -m 600 "$1" "$2"
}
install -d -o "$RUN_AS" -g "$RUN_AS" -m 700 "$HOME_DIR/auth" "$HOME_DIR/tls"
copy_in "$TLS_IN/cert.pem" "$HOME_DIR/tls/cert.pem"
copy_in "$TLS_IN/key.pem" "$HOME_DIR/tls/key.pem"
copy_auth() {
  copy_in "$AUTH_IN/passwd" "$HOME_DIR/auth/passwd"
  copy_in "$AUTH_IN/acl" "$HOME_DIR/auth/acl"
}
# By content: a rotation rewrites a file of the same size, possibly within the same second.
fingerprint() { cat "$AUTH_IN/passwd" "$AUTH_IN/acl" | md5sum; }

copy_auth
last=$(fingerprint)
mosquitto -c "$HOME_DIR/config/mosquitto.conf" &
pid=$!
trap 'kill -TERM "$pid"; wait "$pid"; exit 0' TERM INT
while kill -0 "$pid" 2>/dev/null; do
  sleep 2 &
  wait $! || true
  now=$(fingerprint)
  if [ "$now" != "$last" ]; then
    copy_auth && kill -HUP "$pid"
    last=$now
  fi
done
wait "$pid"
