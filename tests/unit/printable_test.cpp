// printable(): what every client does to another user's words before showing
// them. Ordinary text, any script, stays as it is; every control character
// becomes a visible escape.
#include <gtest/gtest.h>

#include "printable.hpp"

using chatter::display::printable;

TEST(printable, keeps_ordinary_text_of_any_script) {
  for (auto* text : {"Bonjour Bob, ça va ?", "日本語のメッセージ", "emoji 🐧 ok", "C:\\dir\\n",
                     "tab-free; 100% (\"quoted\")", ""})
    EXPECT_EQ(printable(text), text);
}

TEST(printable, escapes_terminal_controls) {
  EXPECT_EQ(printable("\x1b]0;PWNED\x07"), "\\e]0;PWNED\\a");
  EXPECT_EQ(printable("\x1b]52;c;aGk=\x07"), "\\e]52;c;aGk=\\a");
  EXPECT_EQ(printable("a\rb\nc\td"), "a\\rb\\nc\\td");
  EXPECT_EQ(printable(std::string("nul\0end", 7)), "nul\\x00end");
  EXPECT_EQ(printable("\x7f\x01\x1f"), "\\x7f\\x01\\x1f");
}

TEST(printable, escapes_c1_controls_separators_and_bidi_overrides) {
  EXPECT_EQ(printable("\xc2\x9b"
                      "2J"),
            "\\u009b2J");                       // CSI as one code point
  EXPECT_EQ(printable("\xc2\x85"), "\\u0085");  // NEL
  EXPECT_EQ(printable("one\xe2\x80\xa8two"), "one\\u2028two");
  EXPECT_EQ(printable("\xe2\x80\xae"
                      "evil"),
            "\\u202eevil");
  EXPECT_EQ(printable("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u2066x\\u2069");
}

TEST(printable, escapes_bytes_that_are_not_utf8) {
  EXPECT_EQ(printable("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(printable("cut \xe2\x82"), "cut \\xe2\\x82");   // truncated
}
