#!/usr/bin/python3
"""Chatter from Python, with Debian's python3-dbus and python3-gi.

Sends one message as USER, then prints the messages USER receives for
SECONDS seconds, one per line as "from: text".

    examples/send-and-watch.py USER TO TEXT [SECONDS]

USER must be logged in (chatterctl login USER).
"""
import sys

import dbus
import dbus.mainloop.glib
from gi.repository import GLib

SERVICE = "org.chatter.Chatter1"
ACCOUNT = "org.chatter.Chatter1.Account"


def account_path(bus, user):
    """The account's object path, found by its Username (paths are escaped)."""
    manager = dbus.Interface(bus.get_object(SERVICE, "/org/chatter/Chatter1"),
                             "org.chatter.Chatter1.Manager")
    for path in manager.ListAccounts():
        props = dbus.Interface(bus.get_object(SERVICE, path), dbus.PROPERTIES_IFACE)
        if props.Get(ACCOUNT, "Username") == user:
            return path
    sys.exit(f"chatterd knows no account {user!r}")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    user, to, text = sys.argv[1:4]
    seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    path = account_path(bus, user)
    account = dbus.Interface(bus.get_object(SERVICE, path), ACCOUNT)

    def received(_id, sender, body, _timestamp, _extras):
        print(f"{sender}: {body}", flush=True)

    bus.add_signal_receiver(received, signal_name="MessageReceived",
                            dbus_interface=ACCOUNT, bus_name=SERVICE, path=path)
    try:
        account.SendMessage(to, text)
    except dbus.DBusException as err:
        sys.exit(f"{err.get_dbus_name()}: {err.get_dbus_message()}")
    print(f"sent to {to}", flush=True)
    loop = GLib.MainLoop()
    GLib.timeout_add_seconds(seconds, loop.quit)
    loop.run()


if __name__ == "__main__":
    main()
