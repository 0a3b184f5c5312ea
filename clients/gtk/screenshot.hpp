// Renders a window as GTK draws it into a PNG file (no X server screenshot
// tool needed): for tests, and for the README's picture.
#pragma once

#include <string>

#include <gtkmm/window.h>

namespace chatter::gtk {

// False when the window is not drawn yet (no size) or the file cannot be
// written.
bool save_png(Gtk::Window& window, const std::string& path);

}  // namespace chatter::gtk
