#include "speech.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace chatter::tux {

namespace {

// Length of the UTF-8 sequence starting at s[i], 0 when it is not valid.
size_t utf8_length(const std::string& s, size_t i, uint32_t& cp) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size())
    return 0;
  cp = len == 1 ? b : b & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c >> 6) != 0x2)
      return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

bool is_control(uint32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

bool is_space(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0;
}

// Cuts `s` to at most `max_bytes` on a character boundary.
std::string cut(const std::string& s, size_t max_bytes) {
  if (s.size() <= max_bytes)
    return s;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) >> 6) == 0x2)
    --end;
  auto out = s.substr(0, end);
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

}  // namespace

std::string sanitize_speech(const std::string& text, size_t max_bytes) {
  std::string out;
  bool pending_space = false;
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    auto len = utf8_length(text, i, cp);
    if (len == 0) {
      ++i;
      continue;
    }
    if (is_space(cp) || is_control(cp)) {
      pending_space = !out.empty();
    } else {
      if (pending_space)
        out += ' ';
      pending_space = false;
      out.append(text, i, len);
    }
    i += len;
    if (out.size() > max_bytes)
      break;
  }
  return cut(out, max_bytes);
}

std::string first_words(const std::string& text, size_t max_words, size_t max_bytes) {
  auto clean = sanitize_speech(text, max_bytes * 4);
  size_t words = 0, end = 0;
  while (end < clean.size() && words < max_words) {
    auto space = clean.find(' ', end);
    end = space == std::string::npos ? clean.size() : space + 1;
    ++words;
  }
  auto out = clean.substr(0, end);
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return cut(out, max_bytes);
}

std::string url_encode(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) && c < 0x80) {
      out += static_cast<char>(c);
    } else if (c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

std::vector<std::string> languages() {
  return {"en", "fr"};
}

phrasebook phrasebook_for(const std::string& language) {
  if (language == "en")
    return {"en",
            "{name} is here",
            "{names} are here",
            "{name} says: {text}",
            "{count} new messages from {names}",
            "and",
            "{count} others"};
  if (language == "fr")
    return {"fr",
            "{name} est là",
            "{names} sont là",
            "{name} dit : {text}",
            "{count} nouveaux messages de {names}",
            "et",
            "{count} autres"};
  return {};
}

std::string fill(std::string pattern, const std::string& key, const std::string& value) {
  auto token = "{" + key + "}";
  for (auto at = pattern.find(token); at != std::string::npos;
       at = pattern.find(token, at + value.size()))
    pattern.replace(at, token.size(), value);
  return pattern;
}

std::string list_names(const phrasebook& book, const std::vector<std::string>& names,
                       size_t shown) {
  if (names.empty())
    return {};
  if (names.size() == 1)
    return names.front();
  // "a, b and c" when one more name costs no more than "and 1 other" would.
  bool all = names.size() <= shown + 1;
  size_t listed = all ? names.size() - 1 : shown;
  std::string out;
  for (size_t i = 0; i < listed; ++i)
    out += (i ? ", " : "") + names[i];
  auto last = all ? names.back() : fill(book.others, "count", std::to_string(names.size() - shown));
  return out + " " + book.and_word + " " + last;
}

std::string arrival_sentence(const phrasebook& book, const std::vector<std::string>& names) {
  if (names.size() == 1)
    return fill(book.greeting, "name", names.front());
  return fill(book.greeting_many, "names", list_names(book, names));
}

std::string message_sentence(const phrasebook& book, const std::vector<heard_message>& heard) {
  if (heard.empty())
    return {};
  if (heard.size() == 1)
    return fill(fill(book.message, "name", heard.front().from), "text",
                first_words(heard.front().text));
  std::vector<std::string> senders;
  for (auto& m : heard)
    if (std::find(senders.begin(), senders.end(), m.from) == senders.end())
      senders.push_back(m.from);
  return fill(fill(book.messages, "count", std::to_string(heard.size())), "names",
              list_names(book, senders));
}

}  // namespace chatter::tux
