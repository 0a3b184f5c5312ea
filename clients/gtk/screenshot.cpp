#include "screenshot.hpp"

#include <cstdio>

#include <gtk/gtk.h>

namespace chatter::gtk {

bool save_png(Gtk::Window& window, const std::string& path) {
  int width = window.get_width();
  int height = window.get_height();
  auto* renderer = gtk_native_get_renderer(GTK_NATIVE(window.gobj()));
  if (width <= 0 || height <= 0 || !renderer)
    return false;
  auto* paintable = gtk_widget_paintable_new(GTK_WIDGET(window.gobj()));
  auto* snapshot = gtk_snapshot_new();
  gdk_paintable_snapshot(paintable, snapshot, width, height);
  auto* node = gtk_snapshot_free_to_node(snapshot);
  bool saved = false;
  if (node) {
    graphene_rect_t area =
      GRAPHENE_RECT_INIT(0, 0, static_cast<float>(width), static_cast<float>(height));
    auto* texture = gsk_renderer_render_texture(renderer, node, &area);
    // Written aside and renamed, so a reader never sees half a file.
    auto partial = path + ".part";
    saved = gdk_texture_save_to_png(texture, partial.c_str())
      && std::rename(partial.c_str(), path.c_str()) == 0;
    g_object_unref(texture);
    gsk_render_node_unref(node);
  }
  g_object_unref(paintable);
  return saved;
}

}  // namespace chatter::gtk
