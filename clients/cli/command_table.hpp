// chatterctl's sub-commands, in the order --help lists them: the setup
// function (defined in the sub-command's own file), the name, the --help
// line. A new sub-command is its file plus one row here.
//
// Included twice, with CHATTER_COMMAND defined by the includer: once for the
// declarations (commands.hpp), once for the table (main.cpp).
CHATTER_COMMAND(setup_register, "register", "create an account on the hub")
CHATTER_COMMAND(setup_login, "login", "log an account in; the daemon keeps the session")
CHATTER_COMMAND(setup_logout, "logout", "end an account's session")
CHATTER_COMMAND(setup_accounts, "accounts", "list the accounts the daemon knows")
CHATTER_COMMAND(setup_status, "status", "daemon, hub and accounts at a glance")
CHATTER_COMMAND(setup_send, "send", "send an end-to-end encrypted message")
CHATTER_COMMAND(setup_send_many, "send-many",
                "send many messages from stdin, one TO<TAB>TEXT line each")
CHATTER_COMMAND(setup_history, "history", "the conversation with PEER, oldest first")
CHATTER_COMMAND(setup_pending, "pending", "received messages no client has acknowledged")
CHATTER_COMMAND(setup_ack, "ack", "acknowledge received messages by id")
CHATTER_COMMAND(setup_fingerprint, "fingerprint", "the fingerprint of a user's identity key")
CHATTER_COMMAND(setup_verify, "verify", "mark a contact's key trusted after comparing it")
CHATTER_COMMAND(setup_session, "session", "end-to-end ratchet sessions")
CHATTER_COMMAND(setup_read, "read", "mark a conversation read (senders get receipts)")
CHATTER_COMMAND(setup_search, "search", "find users in the hub's directory")
CHATTER_COMMAND(setup_contacts, "contacts",
                "your contacts (list, request, accept, decline, remove, block, unblock, blocked)")
CHATTER_COMMAND(setup_presence, "presence", "set your presence: online, away or busy")
CHATTER_COMMAND(setup_room, "room", "group conversations (create, invite, leave, list)")
CHATTER_COMMAND(setup_watch, "watch", "print the daemon's signals as they come")
CHATTER_COMMAND(setup_tux, "tux", "the Tux Droid robot (speak, do, status, react)")
