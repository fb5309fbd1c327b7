// Tests of LOCKSTEP_OPTIONS parsing: defaults, good strings, and every kind of bad input.
#include <gtest/gtest.h>

#include "flags.hpp"

namespace lockstep::rt {
namespace {

TEST(FlagsTest, DefaultsAreTheDocumentedOnes) {
  flags_t f;
  EXPECT_EQ(f.exitcode, 66);
  EXPECT_FALSE(f.halt_on_error);
  EXPECT_EQ(f.report_json, "");
  EXPECT_EQ(f.suppressions, "");
  EXPECT_EQ(f.log_path, "");
  EXPECT_FALSE(f.help);
  EXPECT_EQ(f.verbosity, 0);
  EXPECT_TRUE(f.detect_races);
  EXPECT_TRUE(f.detect_lock_order);
  EXPECT_TRUE(f.detect_deadlocks);
  EXPECT_EQ(f.deadlock_check_ms, 100);
}

TEST(FlagsTest, ParsesColonAndSpaceSeparatedPairs) {
  flags_t f;
  std::string error;
  ASSERT_TRUE(parse_flags("exitcode=3:halt_on_error=1 report_json=/tmp/r.json\tverbosity=2", f, error)) << error;
  EXPECT_EQ(f.exitcode, 3);
  EXPECT_TRUE(f.halt_on_error);
  EXPECT_EQ(f.report_json, "/tmp/r.json");
  EXPECT_EQ(f.verbosity, 2);
  EXPECT_EQ(f.log_path, "");  // untouched
}

TEST(FlagsTest, BooleanSpellings) {
  for (const char *on : {"1", "true", "yes"}) {
    flags_t f;
    std::string error;
    ASSERT_TRUE(parse_flags(std::string("halt_on_error=") + on, f, error)) << error;
    EXPECT_TRUE(f.halt_on_error) << on;
  }
  for (const char *off : {"0", "false", "no"}) {
    flags_t f;
    std::string error;
    ASSERT_TRUE(parse_flags(std::string("detect_races=") + off, f, error)) << error;
    EXPECT_FALSE(f.detect_races) << off;
  }
}

TEST(FlagsTest, QuotedValuesMayHoldSeparators) {
  flags_t f;
  std::string error;
  ASSERT_TRUE(parse_flags("suppressions='/tmp/my dir/s.txt':log_path=\"a:b\" exitcode=+5", f, error)) << error;
  EXPECT_EQ(f.suppressions, "/tmp/my dir/s.txt");
  EXPECT_EQ(f.log_path, "a:b");
  EXPECT_EQ(f.exitcode, 5);
}

TEST(FlagsTest, EmptyAndSeparatorOnlyStringsChangeNothing) {
  for (const char *text : {"", ":", "  : \n"}) {
    flags_t f;
    std::string error;
    EXPECT_TRUE(parse_flags(text, f, error)) << error;
    EXPECT_EQ(f.exitcode, 66);
  }
}

TEST(FlagsTest, LaterPairsOverrideEarlierOnes) {
  flags_t f;
  std::string error;
  ASSERT_TRUE(parse_flags("exitcode=1:exitcode=9", f, error)) << error;
  EXPECT_EQ(f.exitcode, 9);
}

TEST(FlagsTest, StringFlagMayBeSetEmpty) {
  flags_t f;
  f.report_json = "x";
  std::string error;
  ASSERT_TRUE(parse_flags("report_json=", f, error)) << error;
  EXPECT_EQ(f.report_json, "");
}

struct bad_case {
  const char *text;
  const char *message_part;
};

class BadFlagsTest : public ::testing::TestWithParam<bad_case> {};

TEST_P(BadFlagsTest, IsRejectedWithAClearMessage) {
  flags_t f;
  std::string error;
  EXPECT_FALSE(parse_flags(GetParam().text, f, error));
  EXPECT_NE(error.find(GetParam().message_part), std::string::npos) << "message was: " << error;
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, BadFlagsTest,
    ::testing::Values(bad_case{"exit_code=1", "unknown option: 'exit_code=1'"},
                      bad_case{"exitcode=abc", "expected a decimal integer: 'exitcode=abc'"},
                      bad_case{"exitcode=", "expected a decimal integer"},
                      bad_case{"exitcode=12x", "expected a decimal integer"},
                      bad_case{"exitcode=99999999999", "number out of range"},
                      bad_case{"exitcode=300", "exitcode=300 is not an exit status"},
                      bad_case{"exitcode=-1", "not an exit status"},
                      bad_case{"halt_on_error=2", "expected a boolean"},
                      bad_case{"halt_on_error", "expected key=value, got 'halt_on_error'"},
                      bad_case{"exitcode=1:verbose", "expected key=value, got 'verbose'"},
                      bad_case{"=1", "missing option name before '='"},
                      bad_case{"log_path='abc", "unterminated quote"},
                      bad_case{"log_path='a'b", "unexpected text after the quoted value"},
                      bad_case{"verbosity=-1", "verbosity=-1 must be >= 0"},
                      bad_case{"deadlock_check_ms=0", "deadlock_check_ms=0 must be >= 1"},
                      bad_case{"shadow_id_epochs=0", "shadow_id_epochs=0 is out of range (1..16383)"},
                      bad_case{"shadow_id_epochs=16384", "shadow_id_epochs=16384 is out of range"},
                      bad_case{"shadow_ids=1", "shadow_ids=1 is out of range (2..255)"},
                      bad_case{"shadow_ids=256", "shadow_ids=256 is out of range"}));

TEST(FlagsTest, HelpListsEveryFlagWithItsDefault) {
  std::string help = flags_help_text();
#define LOCKSTEP_FLAG(type, name, default_value, description) \
  EXPECT_NE(help.find("  " #name " ("), std::string::npos) << #name;   \
  EXPECT_NE(help.find(description), std::string::npos) << #name;
#include "flags.inc"
#undef LOCKSTEP_FLAG
  EXPECT_NE(help.find("exitcode (int, default 66)"), std::string::npos) << help;
  EXPECT_NE(help.find("halt_on_error (bool, default 0)"), std::string::npos) << help;
  EXPECT_NE(help.find("report_json (string, default \"\")"), std::string::npos) << help;
}

}  // namespace
}  // namespace lockstep::rt
