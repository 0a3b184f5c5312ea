// `cmake --install build --prefix /usr` into a DESTDIR, as a distribution
// package is made: each file where its consumer looks for it (the autostart
// entry under /etc, not /usr/etc), a valid AppStream file, the shell
// completions (and they complete), and six man pages that describe every
// option and command and name no path of the machine that built them.
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "helpers.hpp"
#include "world.hpp"

using namespace chatter;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> man_pages{
  "usr/share/man/man1/chatterd.1",      "usr/share/man/man1/chatterctl.1",
  "usr/share/man/man1/chatter-gtk.1",   "usr/share/man/man1/chatter-notify.1",
  "usr/share/man/man5/chatterd.conf.5", "usr/share/man/man7/chatter-dbus.7"};

// One install into a DESTDIR for all the tests here.
class installed : public testing::Test {
protected:
  static void SetUpTestSuite() {
    dir_ = new test::temp_dir;
    auto r = test::run_command({"cmake", "--install", CHATTER_BINARY_DIR, "--prefix", "/usr"},
                               {{"DESTDIR", destdir().string()}});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path destdir() {
    return dir_->path() / "destdir";
  }
  static std::string bash_completion_dir() {
    auto r = test::run_command({"pkg-config", "--variable=completionsdir", "bash-completion"});
    auto dir = r.out.substr(0, r.out.find('\n'));
    return dir.empty() ? "/usr/share/bash-completion/completions" : dir;
  }

  static test::temp_dir* dir_;
};
test::temp_dir* installed::dir_ = nullptr;

// The words of a CLI11 help's section ("Options:", "Subcommands:"): the
// sub-commands' names, or the long options.
std::vector<std::string> help_section(const std::string& help, const std::string& title,
                                      const std::regex& word) {
  std::vector<std::string> found;
  auto at = help.find("\n" + title + "\n");
  if (at == std::string::npos)
    return found;
  auto end = help.find("\n\n", at + 1);
  auto section = help.substr(at, end - at);
  for (std::sregex_iterator i(section.begin(), section.end(), word), e; i != e; ++i)
    if ((*i)[1] != "--help")
      found.push_back((*i)[1]);
  return found;
}

const std::regex long_option("\n  (?:-[a-z],)?(--[a-z-]+)");
const std::regex command_name("\n  ([a-z][a-z-]*) ");

std::string scd(const std::string& page) {
  return test::read_file(std::string(CHATTER_SOURCE_DIR) + "/docs/man/" + page + ".scd");
}

}  // namespace

TEST_F(installed, each_file_lands_where_it_is_looked_for) {
  for (const std::string& file : std::vector<std::string>{
         "usr/bin/chatterd", "usr/bin/chatterctl", "usr/bin/chatter-gtk", "usr/bin/chatter-notify",
         "etc/xdg/autostart/chatter-notify.desktop", "usr/lib/systemd/user/chatterd.service",
         "usr/share/dbus-1/services/org.chatter.Chatter1.service",
         "usr/share/dbus-1/interfaces/org.chatter.Chatter1.Account.xml",
         "usr/share/applications/org.chatter.Chatter.desktop",
         "usr/share/icons/hicolor/scalable/apps/org.chatter.Chatter.svg",
         "usr/share/metainfo/org.chatter.Chatter.metainfo.xml",
         bash_completion_dir().substr(1) + "/chatterctl",
         "usr/share/zsh/vendor-completions/_chatterctl",
         "usr/share/fish/vendor_completions.d/chatterctl.fish"})
    EXPECT_TRUE(fs::exists(destdir() / file)) << file;
  for (auto& page : man_pages)
    EXPECT_TRUE(fs::exists(destdir() / page)) << page;
  EXPECT_FALSE(fs::exists(destdir() / "usr/etc")) << "no desktop reads /usr/etc";
  auto unit = test::read_file(destdir() / "usr/lib/systemd/user/chatterd.service");
  EXPECT_NE(unit.find("ExecStart=/usr/bin/chatterd\n"), std::string::npos) << unit;
  auto desktop = test::read_file(destdir() / "usr/share/applications/org.chatter.Chatter.desktop");
  EXPECT_NE(desktop.find("Icon=org.chatter.Chatter\n"), std::string::npos) << desktop;
}

TEST_F(installed, the_appstream_file_is_valid_and_names_the_app_id) {
  auto metainfo = destdir() / "usr/share/metainfo/org.chatter.Chatter.metainfo.xml";
  auto r = test::run_command({"/usr/bin/appstreamcli", "validate", "--no-net", metainfo.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto xml = test::read_file(metainfo);
  EXPECT_NE(xml.find("<id>org.chatter.Chatter</id>"), std::string::npos);
  EXPECT_NE(xml.find("desktop-id\">org.chatter.Chatter.desktop<"), std::string::npos);
}

TEST_F(installed, the_man_pages_name_no_path_of_the_build_machine) {
  std::vector<std::string> machine_paths{CHATTER_SOURCE_DIR, CHATTER_BINARY_DIR,
                                         destdir().string()};
  if (const char* home = std::getenv("HOME"); home && std::string(home).size() > 1)
    machine_paths.push_back(home + std::string("/"));
  for (auto& page : man_pages) {
    auto text = test::read_file(destdir() / page);
    EXPECT_GT(text.size(), 1000u) << page;
    EXPECT_NE(text.find(".SH NAME"), std::string::npos) << page << " is not a man page";
    for (auto& path : machine_paths)
      EXPECT_EQ(text.find(path), std::string::npos) << page << " names " << path;
  }
}

TEST(man_pages, chatterd_1_and_chatterd_conf_5_describe_every_option) {
  auto help = test::run_command({CHATTERD_PATH, "--help"}).out;
  std::vector<std::string> options;
  for (auto* section : {"Options:", "Hub cluster:", "Tux Droid:"})
    for (auto& o : help_section(help, section, long_option))
      options.push_back(o);
  ASSERT_GE(options.size(), 20u) << help;
  auto daemon_page = scd("chatterd.1");
  auto conf_page = scd("chatterd.conf.5");
  for (auto& o : options) {
    EXPECT_NE(daemon_page.find("*" + o + "*"), std::string::npos) << o << " not in chatterd(1)";
    if (o != "--config" && o != "--version") {
      EXPECT_NE(conf_page.find("*" + o.substr(2) + "*"), std::string::npos)
        << o << " not in chatterd.conf(5)";
    }
  }
}

TEST(man_pages, chatterctl_1_describes_every_command_and_its_options) {
  auto page = scd("chatterctl.1");
  auto top = test::run_command({CHATTERCTL_PATH, "--help"}).out;
  for (auto& o : help_section(top, "Options:", long_option))
    EXPECT_NE(page.find("*" + o + "*"), std::string::npos) << o;
  auto commands = help_section(top, "Subcommands:", command_name);
  ASSERT_GE(commands.size(), 19u) << top;
  for (auto& command : commands) {
    auto help = test::run_command({CHATTERCTL_PATH, command, "--help"}).out;
    auto subs = help_section(help, "Subcommands:", command_name);
    if (subs.empty()) {
      EXPECT_NE(page.find("\n*" + command + "*"), std::string::npos) << command;
    }
    for (auto& sub : subs)
      EXPECT_TRUE(page.find("*" + command + " " + sub + "*") != std::string::npos
                  || page.find("*" + command + "* [*" + sub + "*]") != std::string::npos)
        << command << " " << sub;
    for (auto& o : help_section(help, "Options:", long_option))
      EXPECT_NE(page.find("*" + o + "*"), std::string::npos) << command << " " << o;
  }
  EXPECT_NE(page.find("\n# EXAMPLES\n"), std::string::npos);
}

TEST_F(installed, bash_completes_commands_sub_commands_and_options) {
  auto file = destdir() / bash_completion_dir().substr(1) / "chatterctl";
  auto complete = [&](const std::string& line) {
    auto script = "source /usr/share/bash-completion/bash_completion; source '" + file.string()
      + "'; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; "
      + "read -ra COMP_WORDS <<< \"$COMP_LINE\"; "
      + "[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=(''); "
      + "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _chatterctl; "
      + "printf '%s\\n' \"${COMPREPLY[@]}\"";
    auto r = test::run_command({"/bin/bash", "-c", script});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  EXPECT_EQ(complete("chatterctl se"), "send\nsend-many\nsession\nsearch\n");
  EXPECT_EQ(complete("chatterctl --as alice room c"), "create\n");
  EXPECT_EQ(complete("chatterctl register --d"), "--display-name\n");
  EXPECT_EQ(complete("chatterctl tux react --arrival "), "on\noff\n");
}

TEST_F(installed, zsh_and_fish_read_their_completions_and_all_know_every_command) {
  auto zsh = destdir() / "usr/share/zsh/vendor-completions/_chatterctl";
  auto fish = destdir() / "usr/share/fish/vendor_completions.d/chatterctl.fish";
  auto bash = destdir() / bash_completion_dir().substr(1) / "chatterctl";
  auto z = test::run_command({"/usr/bin/zsh", "-n", zsh.string()});
  EXPECT_EQ(z.exit_code, 0) << z.err;
  auto f = test::run_command({"/usr/bin/fish", "--no-execute", fish.string()});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  auto commands =
    help_section(test::run_command({CHATTERCTL_PATH, "--help"}).out, "Subcommands:", command_name);
  for (auto& file : {zsh, fish, bash}) {
    auto text = test::read_file(file);
    for (auto& command : commands)
      EXPECT_TRUE(std::regex_search(text, std::regex("\\b" + command + "\\b")))
        << command << " missing from " << file;
  }
}
