#include <gtest/gtest.h>

#include "core/protocol.hpp"
#include "core/validation.hpp"

using namespace chatter;

TEST(validation, user_names) {
  for (auto ok : {"alice", "a", "bob.smith", "x_y-z.9"})
    EXPECT_EQ(check_username(ok), "") << ok;
  EXPECT_EQ(check_username(std::string(32, 'a')), "");
  for (auto bad : {"", "Alice", "al ice", "al/ice", "élodie", "a\nb"})
    EXPECT_NE(check_username(bad), "") << bad;
  EXPECT_NE(check_username(std::string(33, 'a')), "");
}

TEST(validation, user_names_start_with_a_letter_or_a_digit) {
  for (auto ok : {"0day", "9", "a.", "a..b", "z-", "m_"})
    EXPECT_EQ(check_username(ok), "") << ok;
  // "." and ".." would name the accounts folder and its parent.
  for (auto bad : {".", "..", ".alice", "-x", "_x", "-", "_"}) {
    auto why = check_username(bad);
    EXPECT_NE(why.find("must start with a-z or 0-9"), std::string::npos) << bad << ": " << why;
  }
  EXPECT_NE(check_room_name(".."), "");
}

TEST(validation, passwords) {
  EXPECT_EQ(check_password("x"), "");
  EXPECT_NE(check_password(""), "");
  EXPECT_NE(check_password(std::string(1025, 'x')), "");
}

TEST(validation, utf8) {
  EXPECT_TRUE(is_valid_utf8("héllo wörld ☃ 🐧"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("ab\xE2\x98"));  // truncated at the end
}

TEST(validation, message_texts) {
  EXPECT_EQ(check_text("hello"), "");
  EXPECT_EQ(check_text(std::string(64 * 1024, 'x')), "");
  for (auto bad : {std::string(), std::string(64 * 1024 + 1, 'x'), std::string("\xC3")})
    EXPECT_EQ(check_text(bad), "the text must be valid UTF-8, 1 byte to 64 KiB");
}

TEST(validation, messages_name_a_peer_other_than_the_sender) {
  EXPECT_EQ(check_message("alice", "bob", "hi"), "");
  EXPECT_EQ(check_message("alice", "#team", "hi"), "");
  EXPECT_EQ(check_message("alice", "alice", "hi"), "a message to yourself goes nowhere");
  EXPECT_EQ(check_message("alice", "Bob", "hi"), check_username("Bob"));
  EXPECT_EQ(check_message("alice", "bob", ""), check_text(""));
}

TEST(validation, call_sizes) {
  EXPECT_EQ(check_batch_size(1000), "");
  EXPECT_EQ(check_batch_size(1001),
            "at most 1000 messages per call; send the rest in another call");
  EXPECT_EQ(check_limit(1, 1000), "");
  EXPECT_EQ(check_limit(1000, 1000), "");
  EXPECT_EQ(check_limit(0, 1000), "limit must be from 1 to 1000");
  EXPECT_EQ(check_limit(101, 100), "limit must be from 1 to 100");
  EXPECT_EQ(check_search("ali", 100), "");
  EXPECT_EQ(check_search("", 10), "the search needs 1 to 64 bytes of UTF-8 text");
  EXPECT_EQ(check_search(std::string(65, 'a'), 10), "the search needs 1 to 64 bytes of UTF-8 text");
  EXPECT_EQ(check_search("ali", 101), "limit must be from 1 to 100");
}

TEST(validation, ids_fingerprints_and_room_members) {
  EXPECT_EQ(check_message_ids({"a1", std::string(64, 'f')}), "");
  EXPECT_EQ(check_message_ids({"a1", ""}), "malformed message id");
  EXPECT_EQ(check_message_ids({std::string(65, 'f')}), "malformed message id");
  EXPECT_EQ(check_message_ids(std::vector<std::string>(10001, "a")), "at most 10000 ids per call");
  EXPECT_EQ(check_fingerprint("12345 67890"), "");
  EXPECT_EQ(check_fingerprint(""), "malformed fingerprint");
  EXPECT_EQ(check_fingerprint(std::string(129, '1')), "malformed fingerprint");
  EXPECT_EQ(check_room_members({"bob", "carol"}), "");
  EXPECT_EQ(check_room_members({"bob", "Carol"}), check_username("Carol"));
  EXPECT_EQ(check_room_members(std::vector<std::string>(257, "bob")),
            "a room has at most 256 members");
  EXPECT_EQ(room_name("#team"), "team");
  EXPECT_EQ(room_name("team"), "team");
}

TEST(validation, credentials_and_speech) {
  EXPECT_EQ(check_credentials("alice", "pw"), "");
  EXPECT_EQ(check_credentials("Alice", "pw"), check_username("Alice"));
  EXPECT_EQ(check_credentials("alice", ""), "the password is empty");
  EXPECT_EQ(check_speech("hello"), "");
  EXPECT_EQ(check_speech(""), "nothing to say: the text is empty");
  EXPECT_EQ(check_speech(std::string(1001, 'a')),
            "the text has 1001 bytes; the robot says at most 1000");
}

TEST(validation, registration_options_become_settings) {
  registration_settings s;
  EXPECT_EQ(parse_registration("alice", {}, s), "");
  EXPECT_EQ(s.display_name, "alice");  // the user name when none is given
  EXPECT_EQ(s.suite, "");              // the account manager's default
  EXPECT_EQ(
    parse_registration(
      "alice", {{"display_name", {"s", "Alice A."}}, {"suite", {"s", "rsa-oaep-pss-3072"}}}, s),
    "");
  EXPECT_EQ(s.display_name, "Alice A.");
  EXPECT_EQ(s.suite, "rsa-oaep-pss-3072");
  // The suite's name is the account manager's to judge (check_suite).
  EXPECT_EQ(parse_registration("alice", {{"suite", {"s", "rot13"}}}, s), "");
  EXPECT_EQ(parse_registration("alice", {{"colour", {"s", "red"}}}, s),
            "unknown option 'colour'; known options: display_name (s), suite (s)");
  EXPECT_EQ(parse_registration("alice", {{"display_name", {"i", ""}}}, s),
            "option display_name must be a string (s)");
  EXPECT_EQ(parse_registration("alice", {{"display_name", {"s", std::string(65, 'a')}}}, s),
            check_display_name(std::string(65, 'a')));
}
