#!/bin/sh
# Chatter from a shell, with nothing but gdbus (Debian: libglib2.0-bin):
# sends one message as USER, then prints the messages USER receives for
# SECONDS seconds, one per line as "from: text".
#   examples/send-and-watch.sh USER TO TEXT [SECONDS]
# USER must be logged in (chatterctl login USER). User names of letters and
# digits only: others are escaped in object paths (see ListAccounts).
set -eu
[ $# -ge 3 ] || { sed -n '2,8p' "$0"; exit 2; }
user=$1 to=$2 text=$3 seconds=${4:-10}
account=/org/chatter/Chatter1/accounts/$user

gdbus call --session --dest org.chatter.Chatter1 --object-path "$account" \
  --method org.chatter.Chatter1.Account.SendMessage "$to" "$text" >/dev/null
echo "sent to $to"

# gdbus monitor prints each signal on one line:
#   /org/...: org.chatter.Chatter1.Account.MessageReceived ('id', 'from', 'text', int64 ts, @a{sv} {})
# (a text with a quote in it comes in double quotes; this sketch does not unescape)
timeout "$seconds" gdbus monitor --session --dest org.chatter.Chatter1 --object-path "$account" |
  while IFS= read -r line; do
    case $line in
      *".MessageReceived ("*)
        args=${line#*MessageReceived (}
        from=$(printf '%s' "$args" | cut -d"'" -f4)
        body=$(printf '%s' "$args" | sed "s/^'[^']*', '[^']*', '\(.*\)', \(int64 \)\{0,1\}[0-9]*, .*$/\1/")
        echo "$from: $body" ;;
    esac
  done || true
