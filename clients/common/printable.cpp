#include "printable.hpp"

#include <cstdint>
#include <cstdio>

namespace chatter::display {

namespace {

// The length of the UTF-8 sequence at `text[i]` and its code point, or 0
// when the bytes there are not one (overlong forms and surrogates included).
size_t utf8_sequence(std::string_view text, size_t i, uint32_t& code_point) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  size_t length = lead < 0x80 ? 1
    : (lead >> 5) == 0x6      ? 2
    : (lead >> 4) == 0xe      ? 3
    : (lead >> 3) == 0x1e     ? 4
                              : 0;
  if (length == 0 || i + length > text.size())
    return 0;
  code_point = length == 1 ? lead : lead & (0x7f >> length);
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80)
      return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3f);
  }
  static constexpr uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < smallest[length] || code_point > 0x10ffff
      || (code_point >= 0xd800 && code_point <= 0xdfff))
    return 0;
  return length;
}

bool needs_escape(uint32_t c) {
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029
    || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

std::string escape(uint32_t c) {
  switch (c) {
  case '\n': return "\\n";
  case '\r': return "\\r";
  case '\t': return "\\t";
  case 0x1b: return "\\e";
  case 0x07: return "\\a";
  default: break;
  }
  char buf[16];
  if (c < 0x80)
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
  else
    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
  return buf;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t c = 0;
    size_t length = utf8_sequence(text, i, c);
    if (length == 0) {  // not UTF-8: the byte itself, escaped
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(text[i]));
      out += buf;
      i += 1;
      continue;
    }
    if (needs_escape(c))
      out += escape(c);
    else
      out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

}  // namespace chatter::display
