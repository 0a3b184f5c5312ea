// Text that came from another user, made safe to show: on a terminal an ESC
// could retitle the window or write the clipboard (OSC 52), a CR or a
// newline could forge a line that seems to come from someone else; in a
// GTK label a line separator does the same. Every client prints such text
// through printable().
#pragma once

#include <string>
#include <string_view>

namespace chatter::display {

// `text` with each control character written as a visible escape: \n \r \t
// \e \a for the usual ones, \xHH for other C0 bytes, DEL and bytes that are
// not UTF-8, \uHHHH for C1 controls, the line and paragraph separators and
// the bidirectional overrides and isolates (which can reorder what a line
// seems to say). Everything else, backslashes included, is kept as is.
std::string printable(std::string_view text);

}  // namespace chatter::display
