// chatter-gtk for real, on a real X server (Xvfb): alice's window on her
// conversation with bob shows the history, then a message bob sends now;
// the window, as GTK drew it, is saved as a PNG that is checked not to be
// blank and kept in the build tree.
#include <filesystem>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gtest/gtest.h>

#include "daemon_test.hpp"
#include "helpers.hpp"
#include "xvfb.hpp"

using namespace chatter;
using namespace std::chrono_literals;
using test::eventually;
namespace fs = std::filesystem;

namespace {

// Distinct colours in a PNG, or 0 when it does not load.
size_t colours_in(const fs::path& png, int& width, int& height) {
  GError* error = nullptr;
  auto* pixbuf = gdk_pixbuf_new_from_file(png.c_str(), &error);
  if (!pixbuf) {
    g_clear_error(&error);
    return 0;
  }
  width = gdk_pixbuf_get_width(pixbuf);
  height = gdk_pixbuf_get_height(pixbuf);
  auto channels = gdk_pixbuf_get_n_channels(pixbuf);
  auto stride = gdk_pixbuf_get_rowstride(pixbuf);
  const guchar* pixels = gdk_pixbuf_read_pixels(pixbuf);
  std::set<uint32_t> seen;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      auto* p = pixels + y * stride + x * channels;
      seen.insert(uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2]);
    }
  g_object_unref(pixbuf);
  return seen.size();
}

class gtk_window : public test::daemon_test {
protected:
  void TearDown() override {
    window_.reset();
    x_.reset();
  }

  std::string start_x() {
    x_ = std::make_unique<test::xvfb>(world_.dir.path() / "xvfb.log");
    return x_->display();
  }

  std::unique_ptr<test::xvfb> x_;
  std::unique_ptr<test::child_process> window_;
};

}  // namespace

TEST_F(gtk_window, a_message_sent_to_alice_appears_in_her_window) {
  start();
  join("alice", {{"display_name", sdbus::Variant(std::string("Alice"))}});
  join("bob", {{"display_name", sdbus::Variant(std::string("Bob"))}});
  account("alice").AddContact("bob");
  account("bob").AddContact("alice");
  account("alice").SendMessage("bob", "Hi Bob, lunch at noon?");
  account("bob").SendMessage("alice", "Sure, see you there");
  ASSERT_TRUE(eventually([&] { return account("alice").GetHistory("bob", 0, 10).size() == 2; }));

  auto display = start_x();
  ASSERT_NE(display, ":");
  auto shot = world_.dir.path() / "chatter-gtk.png";
  auto rows = fs::path(shot.string() + ".txt");
  window_ = std::make_unique<test::child_process>(
    std::vector<std::string>{CHATTER_GTK_PATH, "--bus-address", world_.bus.address(), "--as",
                             "alice", "--conversation", "bob", "--screenshot", shot.string()},
    // The cairo renderer: Xvfb has no GL. No accessibility bus here.
    std::map<std::string, std::string>{{"DISPLAY", display},
                                       {"GDK_BACKEND", "x11"},
                                       {"GSK_RENDERER", "cairo"},
                                       {"NO_AT_BRIDGE", "1"}},
    false, (world_.dir.path() / "chatter-gtk.log").string());
  auto shows = [&](const std::string& text) {
    return test::read_file(rows).find(text) != std::string::npos;
  };
  ASSERT_TRUE(eventually([&] { return shows("Sure, see you there"); }, 20s))
    << test::read_file(world_.dir.path() / "chatter-gtk.log");
  EXPECT_TRUE(shows("alice  Hi Bob, lunch at noon?"));

  account("bob").SendMessage("alice", "Hello from Bob, in Alice's window");
  ASSERT_TRUE(eventually([&] { return shows("bob  Hello from Bob, in Alice's window"); }, 10s))
    << test::read_file(rows);
  // Another user's control characters show as escapes, on the message's one line.
  account("bob").SendMessage("alice", "ring\x07\x1b]0;PWNED\x07\nbob  forged line");
  ASSERT_TRUE(
    eventually([&] { return shows("bob  ring\\a\\e]0;PWNED\\a\\nbob  forged line"); }, 10s))
    << test::read_file(rows);
  std::cout << "chatter-gtk shows:\n" << test::read_file(rows);

  int width = 0, height = 0;
  auto colours = colours_in(shot, width, height);
  EXPECT_GE(width, 400);
  EXPECT_GE(height, 300);
  EXPECT_GE(colours, 16u) << "the screenshot looks blank";
  auto kept = fs::path(CHATTER_BINARY_DIR) / "screenshots" / "chatter-gtk-conversation.png";
  fs::create_directories(kept.parent_path());
  fs::copy_file(shot, kept, fs::copy_options::overwrite_existing);
  std::cout << "screenshot (" << width << "x" << height << ", " << colours
            << " colours): " << kept.string() << '\n';
}
