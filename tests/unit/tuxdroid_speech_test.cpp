// The robot's pure parts: what it says, how a request reaches the Tux Droid
// server, and how bursts merge.
#include <gtest/gtest.h>

#include "member/tuxdroid/actions.hpp"
#include "member/tuxdroid/coalescer.hpp"
#include "member/tuxdroid/speech.hpp"

using namespace chatter::tux;

TEST(tux_speech, sanitizing_drops_control_characters_and_invalid_utf8) {
  EXPECT_EQ(sanitize_speech("  Hello\x01\x1b[31m   world\n\tagain\x7f  "),
            "Hello [31m world again");
  EXPECT_EQ(sanitize_speech("caf\xc3\xa9 \xff\xfe ok"), "caf\xc3\xa9 ok");
  EXPECT_EQ(sanitize_speech("a\xc2\x85"
                            "b"),
            "a b")
    << "C1 NEL is a control character";
  EXPECT_EQ(sanitize_speech("\x01\x02\n"), "");
  EXPECT_EQ(sanitize_speech("\xe2\x80\xa8x"), "x") << "U+2028 line separator";
}

TEST(tux_speech, length_is_capped_on_a_character_boundary) {
  std::string long_text;
  for (int i = 0; i < 300; ++i)
    long_text += "\xc3\xa9";  // é, two bytes
  auto cut = sanitize_speech(long_text);
  EXPECT_LE(cut.size(), max_speech_bytes);
  EXPECT_EQ(cut.size() % 2, 0u);
  EXPECT_EQ(sanitize_speech(long_text, 5), "\xc3\xa9\xc3\xa9");
}

TEST(tux_speech, url_encoding_keeps_only_unreserved_characters) {
  EXPECT_EQ(url_encode("Bob is here"), "Bob%20is%20here");
  EXPECT_EQ(url_encode("a&b=c?d/e#f+g%"), "a%26b%3Dc%3Fd%2Fe%23f%2Bg%25");
  EXPECT_EQ(url_encode("A-z_0.9~"), "A-z_0.9~");
  EXPECT_EQ(url_encode("\xc3\xa9"), "%C3%A9");
}

TEST(tux_speech, first_words_of_a_message) {
  EXPECT_EQ(first_words("one two three four five six seven eight nine ten eleven twelve"),
            "one two three four five six seven eight nine ten");
  EXPECT_EQ(first_words("  short\n"), "short");
}

TEST(tux_speech, sentences_in_english_and_french) {
  auto en = phrasebook_for("en");
  auto fr = phrasebook_for("fr");
  EXPECT_EQ(arrival_sentence(en, {"Bob"}), "Bob is here");
  EXPECT_EQ(arrival_sentence(en, {"alice", "bob"}), "alice and bob are here");
  EXPECT_EQ(arrival_sentence(en, {"a", "b", "c"}), "a, b and c are here");
  EXPECT_EQ(arrival_sentence(en, {"a", "b", "c", "d", "e"}), "a, b and 3 others are here");
  EXPECT_EQ(arrival_sentence(fr, {"Bob"}), "Bob est l\xc3\xa0");
  EXPECT_EQ(arrival_sentence(fr, {"a", "b", "c", "d"}), "a, b et 2 autres sont l\xc3\xa0");
  EXPECT_EQ(message_sentence(en, {{"alice", "hello there"}}), "alice says: hello there");
  EXPECT_EQ(message_sentence(fr, {{"alice", "salut"}}), "alice dit : salut");
  EXPECT_EQ(message_sentence(en, {{"alice", "x"}, {"bob", "y"}, {"alice", "z"}}),
            "3 new messages from alice and bob");
  EXPECT_TRUE(phrasebook_for("de").language.empty());
}

TEST(tux_actions, each_action_is_a_request_of_the_tux_droid_server) {
  ASSERT_FALSE(is_action("dance-the-tango"));
  EXPECT_TRUE(http_commands("dance-the-tango").empty());
  std::vector<std::string> wave;
  for (auto& c : http_commands("wave"))
    wave.push_back(c.target());
  EXPECT_EQ(wave,
            (std::vector<std::string>{"/0/flippers/on?count=2&final_state=DOWN",
                                      "/0/spinning/left_on?count=1", "/0/spinning/right_on?count=1",
                                      "/0/eyes/on?count=2&final_state=OPEN"}));
  EXPECT_EQ(speak_command("Bob & co?", "Ryan", 100).target(),
            "/0/tts/speak?text=Bob%20%26%20co%3F&locutor=Ryan&pitch=100");
  EXPECT_EQ(radio_status_command().target(), "/0/status/request_one?status_name=radio_state");
  for (auto& name : action_names())
    EXPECT_FALSE(http_commands(name).empty()) << name;
  EXPECT_NE(action_list().find("wave"), std::string::npos);
}

namespace {

// A reply as the Tux Droid server writes it: `body` in its document element.
std::string server_reply(const std::string& body) {
  const std::string element = "root";
  return "<?xml version=\"1.0\"?><" + element + ">" + body + "</" + element + ">";
}

}  // namespace

TEST(tux_actions, server_answers_are_read_from_their_xml) {
  auto ok = server_reply("<result>Success</result><data_count>1</data_count>"
                         "<data0><name>radio_state</name><value>True</value></data0>");
  EXPECT_TRUE(reply_succeeded(ok));
  EXPECT_EQ(reply_value(ok), "True");
  EXPECT_FALSE(reply_succeeded(server_reply("<result>Failed</result>")));
  EXPECT_FALSE(reply_succeeded("garbage"));
  EXPECT_EQ(reply_value("<value>"), "");
}

TEST(tux_coalescer, a_burst_of_arrivals_is_one_greeting) {
  coalescer todo(phrasebook_for("en"));
  for (int i = 0; i < 20; ++i)
    todo.arrival("user" + std::to_string(i));
  todo.arrival("user0");  // the same person twice counts once
  auto turn = todo.next();
  ASSERT_TRUE(turn);
  EXPECT_EQ(turn->origin, "arrival");
  EXPECT_EQ(turn->speech, "user0, user1 and 18 others are here");
  EXPECT_EQ(turn->actions, std::vector<std::string>{"wave"});
  EXPECT_FALSE(todo.next());
  EXPECT_TRUE(todo.empty());
}

TEST(tux_coalescer, requests_come_first_then_arrivals_then_messages) {
  coalescer todo(phrasebook_for("en"));
  todo.message("alice", "hi");
  todo.message("bob", "yo");
  todo.arrival("carol");
  ASSERT_TRUE(todo.request({"perform", "", {"blink"}}));
  EXPECT_EQ(todo.next()->origin, "perform");
  EXPECT_EQ(todo.next()->speech, "carol is here");
  EXPECT_EQ(todo.next()->speech, "2 new messages from alice and bob");
  EXPECT_FALSE(todo.next());
}

TEST(tux_coalescer, requests_are_bounded) {
  coalescer todo(phrasebook_for("en"));
  for (size_t i = 0; i < coalescer::max_requests; ++i)
    ASSERT_TRUE(todo.request({"speak", "x", {}}));
  EXPECT_FALSE(todo.request({"speak", "one too many", {}}));
}
