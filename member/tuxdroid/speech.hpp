// What the robot says, as text: sanitising what users typed, the sentences in
// each language, and the coalesced forms for bursts. Pure: no CAF, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace chatter::tux {

// Longest utterance sent to a backend, in bytes (cut on a character boundary).
inline constexpr size_t max_speech_bytes = 200;

// Drops invalid UTF-8 and control characters (C0, DEL, C1), folds runs of
// whitespace into one space, trims, and caps the length at `max_bytes`.
std::string sanitize_speech(const std::string& text, size_t max_bytes = max_speech_bytes);

// The first `max_words` words of `text`, at most `max_bytes` of them.
std::string first_words(const std::string& text, size_t max_words = 10, size_t max_bytes = 80);

// Percent-encoding of everything but RFC 3986's unreserved characters.
std::string url_encode(const std::string& text);

// The sentences of one language. "{name}", "{names}", "{text}" and "{count}"
// are replaced; a custom greeting replaces `greeting` only.
struct phrasebook {
  std::string language;       // en, fr
  std::string greeting;       // one arrival: "{name} is here"
  std::string greeting_many;  // several: "{names} are here"
  std::string message;        // one message: "{name} says: {text}"
  std::string messages;       // several: "{count} new messages from {names}"
  std::string and_word;       // "and"
  std::string others;         // "{count} others"
};

// The phrasebook of `language` ("en" or "fr"); empty `language` when unknown.
phrasebook phrasebook_for(const std::string& language);
std::vector<std::string> languages();

// "alice", "alice and bob", "alice, bob and carol", "alice, bob and 3 others".
std::string list_names(const phrasebook& book, const std::vector<std::string>& names,
                       size_t shown = 2);

std::string arrival_sentence(const phrasebook& book, const std::vector<std::string>& names);

struct heard_message {
  std::string from;
  std::string text;
};
std::string message_sentence(const phrasebook& book, const std::vector<heard_message>& heard);

// `pattern` with each "{key}" replaced.
std::string fill(std::string pattern, const std::string& key, const std::string& value);

}  // namespace chatter::tux
