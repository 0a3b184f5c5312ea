// The desktop integration files as `cmake --install` lays them out, and D-Bus
// activation from them: on a private bus whose service directory is the
// installed one, the first call to org.chatter.Chatter1 starts the installed
// chatterd.
#include <csignal>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "client_proxies.hpp"
#include "helpers.hpp"
#include "version.hpp"
#include "world.hpp"

using namespace chatter;
namespace fs = std::filesystem;

namespace {

// The pid owning `name` on the bus at `address`.
uint32_t owner_pid(sdbus::IConnection& conn, const std::string& name) {
  auto bus = sdbus::createProxy(conn, "org.freedesktop.DBus", "/org/freedesktop/DBus");
  uint32_t pid = 0;
  bus->callMethod("GetConnectionUnixProcessID")
    .onInterface("org.freedesktop.DBus")
    .withArguments(name)
    .storeResultsTo(pid);
  return pid;
}

}  // namespace

TEST(desktop_files, install_lays_out_the_unit_activation_xml_desktop_files_and_man_pages) {
  test::temp_dir dir;
  auto prefix = dir.path() / "prefix";
  auto install =
    test::run_command({"cmake", "--install", CHATTER_BINARY_DIR, "--prefix", prefix.string()});
  ASSERT_EQ(install.exit_code, 0) << install.out << install.err;
  for (auto* file :
       {"bin/chatterd", "bin/chatterctl", "bin/chatter-notify", "lib/systemd/user/chatterd.service",
        "share/dbus-1/services/org.chatter.Chatter1.service",
        "share/dbus-1/interfaces/org.chatter.Chatter1.Manager.xml",
        "share/dbus-1/interfaces/org.chatter.Chatter1.Account.xml",
        "share/dbus-1/interfaces/org.chatter.Chatter1.TuxDroid.xml",
        "etc/xdg/autostart/chatter-notify.desktop", "bin/chatter-gtk",
        "share/applications/org.chatter.Chatter.desktop",
        "share/icons/hicolor/scalable/apps/org.chatter.Chatter.svg",
        "share/metainfo/org.chatter.Chatter.metainfo.xml", "share/man/man1/chatter-gtk.1",
        "share/man/man1/chatterd.1", "share/man/man1/chatterctl.1",
        "share/man/man1/chatter-notify.1", "share/man/man5/chatterd.conf.5",
        "share/man/man7/chatter-dbus.7"})
    EXPECT_TRUE(fs::exists(prefix / file)) << file;
  auto unit = test::read_file(prefix / "lib/systemd/user/chatterd.service");
  EXPECT_NE(unit.find("Type=dbus\n"), std::string::npos);
  EXPECT_NE(unit.find("BusName=org.chatter.Chatter1\n"), std::string::npos);
  EXPECT_NE(unit.find("ExecStart=" + (prefix / "bin/chatterd").string() + "\n"), std::string::npos);
  auto activation = test::read_file(prefix / "share/dbus-1/services/org.chatter.Chatter1.service");
  EXPECT_NE(activation.find("SystemdService=chatterd.service\n"), std::string::npos);
  auto autostart = test::read_file(prefix / "etc/xdg/autostart/chatter-notify.desktop");
  EXPECT_NE(autostart.find("Exec=chatter-notify\n"), std::string::npos);
  auto valid =
    test::run_command({"/usr/bin/desktop-file-validate",
                       (prefix / "share/applications/org.chatter.Chatter.desktop").string(),
                       (prefix / "etc/xdg/autostart/chatter-notify.desktop").string()});
  EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;
}

TEST(desktop_files, a_call_to_org_chatter_chatter1_starts_the_installed_daemon) {
  test::temp_dir dir;
  auto prefix = dir.path() / "prefix";
  ASSERT_EQ(
    test::run_command({"cmake", "--install", CHATTER_BINARY_DIR, "--prefix", prefix.string()})
      .exit_code,
    0);
  auto socket = dir.path() / "bus.socket";
  auto config = dir.path() / "session.conf";
  std::ofstream(config) << "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus "
                           "Configuration 1.0//EN\" "
                           "\"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                        << "<busconfig><type>session</type>"
                        << "<listen>unix:path=" << socket.string() << "</listen>"
                        << "<servicedir>" << (prefix / "share/dbus-1/services").string()
                        << "</servicedir>"
                        << "<policy context=\"default\"><allow send_destination=\"*\" "
                           "eavesdrop=\"true\"/><allow eavesdrop=\"true\"/><allow own=\"*\"/>"
                           "</policy></busconfig>\n";
  // The activated daemon inherits the bus's environment: its data goes here.
  test::child_process bus(
    {"/usr/bin/dbus-daemon", "--config-file=" + config.string(), "--nofork", "--print-address=1"},
    {{"XDG_DATA_HOME", (dir.path() / "data").string()}}, true);
  auto address = bus.read_line();
  ASSERT_FALSE(address.empty());
  auto conn = sdbus::createSessionBusConnectionWithAddress(address);

  // No daemon runs; this call starts one.
  client::manager_client manager(*conn);
  EXPECT_EQ(manager.Version(), chatter::version);
  auto pid = owner_pid(*conn, "org.chatter.Chatter1");
  ASSERT_GT(pid, 0u);
  auto exe = fs::read_symlink("/proc/" + std::to_string(pid) + "/exe");
  std::cout << "D-Bus started " << exe << " (pid " << pid << ")\n";
  EXPECT_EQ(exe, prefix / "bin/chatterd");
  EXPECT_TRUE(fs::exists(dir.path() / "data" / "chatter" / "hub" / "hub.db"));
  kill(static_cast<pid_t>(pid), SIGTERM);
  test::eventually([&] { return !fs::exists("/proc/" + std::to_string(pid)); });
}
