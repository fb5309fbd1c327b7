//===- ExpectationParser.cpp - Parsing `// expect:` comments --------------===//
#include "ExpectationParser.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include <cctype>

namespace lockstep {
namespace testdata {

bool isCheckId(llvm::StringRef Id) {
  if (Id.empty() || Id.front() == '-' || Id.back() == '-' ||
      !std::islower(static_cast<unsigned char>(Id.front())))
    return false;
  bool SawDash = false;
  for (size_t I = 0; I < Id.size(); ++I) {
    char C = Id[I];
    if (C == '-') {
      if (Id[I - 1] == '-')
        return false;
      SawDash = true;
      continue;
    }
    if (!std::islower(static_cast<unsigned char>(C)) &&
        !std::isdigit(static_cast<unsigned char>(C)))
      return false;
  }
  return SawDash;
}

namespace {

/// Takes a check ID (up to whitespace or a quote) off the front of \p Rest.
llvm::StringRef takeWord(llvm::StringRef &Rest) {
  size_t End = Rest.find_first_of(" \t\"");
  llvm::StringRef Word = Rest.substr(0, End);
  Rest = Rest.substr(Word.size());
  return Word;
}

class LineParser {
public:
  LineParser(unsigned LineNo, unsigned NumLines, TestFileSpec &Spec)
      : LineNo(LineNo), NumLines(NumLines), Spec(Spec) {}

  /// \p Comment is the text after "//", starting with "expect".
  void parseExpectClauses(llvm::StringRef Comment) {
    llvm::StringRef Rest = Comment;
    while (true) {
      Rest = Rest.ltrim();
      if (Rest.empty())
        return;
      // Clauses may be separated by another "//".
      if (Rest.consume_front("//"))
        continue;
      if (!parseOneExpect(Rest))
        return;
    }
  }

  void parseClean(llvm::StringRef Rest) {
    Rest = Rest.ltrim();
    llvm::StringRef Id = takeWord(Rest);
    if (!isCheckId(Id))
      return error("'clean:' must be followed by a check ID, found '" +
                   Id.str() + "'");
    Spec.CleanCases.push_back({Id.str(), LineNo});
  }

  void parseArgs(llvm::StringRef Rest) {
    if (!Spec.CompilerArgs.empty())
      return error("a second 'lockstep-args:' line (one per file)");
    llvm::SmallVector<llvm::StringRef, 8> Parts;
    Rest.split(Parts, ' ', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef P : Parts) {
      P = P.trim();
      if (!P.empty())
        Spec.CompilerArgs.push_back(P.str());
    }
    if (Spec.CompilerArgs.empty())
      error("'lockstep-args:' with no arguments");
  }

private:
  void error(const std::string &Msg) {
    Spec.Errors.push_back("line " + std::to_string(LineNo) + ": " + Msg);
  }

  /// Parses `expect[@+N|@-N]: <id> ["text"]` off the front of \p Rest.
  bool parseOneExpect(llvm::StringRef &Rest) {
    if (!Rest.consume_front("expect"))
      return error("unexpected text '" + Rest.str() +
                   "' after an expectation (use 'expect: <check-id>')"),
             false;
    int Offset = 0;
    if (Rest.consume_front("@")) {
      bool Negative = false;
      if (Rest.consume_front("-"))
        Negative = true;
      else if (!Rest.consume_front("+"))
        return error("'expect@' must be followed by +N or -N"), false;
      unsigned long long N = 0;
      if (Rest.consumeInteger(10, N) || N == 0 || N > 1000)
        return error("'expect@" + std::string(Negative ? "-" : "+") +
                     "' must be followed by a line count from 1 to 1000"),
               false;
      Offset = Negative ? -static_cast<int>(N) : static_cast<int>(N);
    }
    if (!Rest.consume_front(":"))
      return error("'expect' must be followed by ':' (or '@+N:' / '@-N:')"),
             false;
    Rest = Rest.ltrim();
    llvm::StringRef Id = takeWord(Rest);
    if (!isCheckId(Id))
      return error("expected a check ID after 'expect:', found '" + Id.str() +
                   "'"),
             false;
    long Target = static_cast<long>(LineNo) + Offset;
    if (Target < 1 || Target > static_cast<long>(NumLines))
      return error("'expect@" + std::to_string(Offset) +
                   "' points outside the file"),
             false;
    Expectation E;
    E.Check = Id.str();
    E.Line = static_cast<unsigned>(Target);
    E.WrittenOn = LineNo;
    llvm::StringRef AfterId = Rest.ltrim();
    if (AfterId.consume_front("\"")) {
      size_t Close = AfterId.find('"');
      if (Close == llvm::StringRef::npos)
        return error("unterminated quoted message text"), false;
      E.Substring = AfterId.substr(0, Close).str();
      if (E.Substring.empty())
        return error("empty quoted message text"), false;
      Rest = AfterId.substr(Close + 1);
    }
    Spec.Expectations.push_back(std::move(E));
    return true;
  }

  unsigned LineNo;
  unsigned NumLines;
  TestFileSpec &Spec;
};

/// The start of the "//" comment on \p Line, skipping string and character
/// literals so that "http://x" is not a comment.
size_t findLineComment(llvm::StringRef Line) {
  char Quote = 0;
  for (size_t I = 0; I + 1 < Line.size(); ++I) {
    char C = Line[I];
    if (Quote) {
      if (C == '\\')
        ++I;
      else if (C == Quote)
        Quote = 0;
      continue;
    }
    if (C == '"' || C == '\'') {
      // A digit separator (1'000) is not a character literal.
      if (C == '\'' && I > 0 && std::isxdigit(static_cast<unsigned char>(Line[I - 1])))
        continue;
      Quote = C;
      continue;
    }
    if (C == '/' && Line[I + 1] == '/')
      return I;
  }
  return llvm::StringRef::npos;
}

} // namespace

TestFileSpec parseTestFile(llvm::StringRef Text) {
  TestFileSpec Spec;
  llvm::SmallVector<llvm::StringRef, 256> Lines;
  Text.split(Lines, '\n');
  // A trailing newline does not start another line.
  if (!Lines.empty() && Lines.back().empty())
    Lines.pop_back();
  unsigned NumLines = Lines.size();
  for (unsigned I = 0; I < NumLines; ++I) {
    llvm::StringRef Line = Lines[I].rtrim("\r");
    size_t Pos = findLineComment(Line);
    if (Pos == llvm::StringRef::npos)
      continue;
    llvm::StringRef Comment = Line.substr(Pos + 2).ltrim();
    LineParser P(I + 1, NumLines, Spec);
    // "expected ..." in prose is not an expectation; "expect lock-x" (a
    // forgotten colon) is, and is reported as malformed.
    if (Comment.startswith("expect") &&
        (Comment.size() == 6 || !std::isalpha(static_cast<unsigned char>(Comment[6]))))
      P.parseExpectClauses(Comment);
    else if (Comment.consume_front("clean:"))
      P.parseClean(Comment);
    else if (Comment.consume_front("lockstep-args:"))
      P.parseArgs(Comment);
  }
  if (Spec.CompilerArgs.empty())
    Spec.CompilerArgs.push_back("-std=c++20");
  return Spec;
}

} // namespace testdata
} // namespace lockstep
