#include <gtest/gtest.h>

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
  EXPECT_FALSE(is_valid_utf8("\xC3"));            // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));        // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));    // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80")); // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("ab\xE2\x98"));      // truncated at the end
}
