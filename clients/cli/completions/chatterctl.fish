# fish completion for chatterctl(1): commands, their sub-commands and
# options, and account and contact names asked of the running daemon.

set -l commands register login logout accounts status send send-many history pending ack fingerprint verify session read search contacts presence room watch tux

function __chatterctl_names
    # $argv[1]: accounts or contacts; the first word of each line.
    chatterctl $argv[1] 2>/dev/null | string replace -r '\s.*' ''
end

complete -c chatterctl -f
complete -c chatterctl -l as -x -a '(__chatterctl_names accounts)' -d 'the account to act for'
complete -c chatterctl -l json -d 'print JSON instead of text'
complete -c chatterctl -l bus-address -x -d "D-Bus address of the daemon's bus"
complete -c chatterctl -s h -l help -d 'print help and exit'
complete -c chatterctl -l version -d 'print the version and exit'

complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a register -d 'create an account on the hub'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a login -d 'log an account in'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a logout -d "end an account's session"
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a accounts -d 'list the accounts the daemon knows'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a status -d 'daemon, hub and accounts at a glance'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a send -d 'send an end-to-end encrypted message'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a send-many -d 'send many messages from stdin, one TO<TAB>TEXT line each'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a history -d 'the conversation with a peer'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a pending -d 'received messages not acknowledged'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a ack -d 'acknowledge received messages by id'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a fingerprint -d "the fingerprint of a user's key"
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a verify -d "mark a contact's key trusted"
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a session -d 'end-to-end ratchet sessions'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a read -d 'mark a conversation read'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a search -d 'find users in the directory'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a contacts -d 'your contact list'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a presence -d 'set your presence'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a room -d 'group conversations'
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a watch -d "print the daemon's signals"
complete -c chatterctl -n "not __fish_seen_subcommand_from $commands" -a tux -d 'the Tux Droid robot'

complete -c chatterctl -n "__fish_seen_subcommand_from login logout" -a '(__chatterctl_names accounts)'
complete -c chatterctl -n "__fish_seen_subcommand_from send history read fingerprint verify" -a '(__chatterctl_names contacts)'
complete -c chatterctl -n "__fish_seen_subcommand_from register login" -l password-stdin -d 'read the password from stdin'
complete -c chatterctl -n "__fish_seen_subcommand_from register" -l display-name -x -d 'name in the directory'
complete -c chatterctl -n "__fish_seen_subcommand_from register" -l suite -x -a 'ratchet-x25519-chacha20poly1305 x25519-chacha20poly1305-ed25519 rsa-oaep-pss-3072 elgamal-2048'
complete -c chatterctl -n "__fish_seen_subcommand_from history" -l before -x -d 'older than (ms since the epoch)'
complete -c chatterctl -n "__fish_seen_subcommand_from history search" -l limit -x -d 'at most this many'
complete -c chatterctl -n "__fish_seen_subcommand_from watch" -l for -x -d 'stop after this many seconds'
complete -c chatterctl -n "__fish_seen_subcommand_from send-many" -l batch -x -d 'messages per call (1-1000)'
complete -c chatterctl -n "__fish_seen_subcommand_from presence" -a 'online away busy'
complete -c chatterctl -n "__fish_seen_subcommand_from contacts" -a 'list request accept decline add remove block unblock blocked'
complete -c chatterctl -n "__fish_seen_subcommand_from room" -a 'create invite leave list'
complete -c chatterctl -n "__fish_seen_subcommand_from session" -a reset
complete -c chatterctl -n "__fish_seen_subcommand_from tux" -a 'speak do status react'
complete -c chatterctl -n "__fish_seen_subcommand_from react" -l arrival -x -a 'on off'
complete -c chatterctl -n "__fish_seen_subcommand_from react" -l message -x -a 'on off'
