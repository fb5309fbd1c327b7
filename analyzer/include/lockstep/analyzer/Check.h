//===- Check.h - The base class of every lockstep-check check ---*- C++ -*-===//
//
// A check is a small class: its constructor takes the shared CheckContext,
// registerMatchers() asks for AST nodes and check() turns a match into a
// finding; flow checks instead override the LockHandler virtual for their
// kind of finding. Checks never print: diag() and note() build
// lockstep::Finding records that the driver sorts, filters and prints.
// Each family registers its checks in one module file (checks/<family>/).
//
//===----------------------------------------------------------------------===//
#ifndef LOCKSTEP_ANALYZER_CHECK_H
#define LOCKSTEP_ANALYZER_CHECK_H

#include "lockstep/analyzer/Analyzer.h"
#include "lockstep/analyzer/Config.h"
#include "lockstep/analyzer/Finding.h"
#include "lockstep/analyzer/LockDataflow.h"
#include "lockstep/analyzer/LockModel.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceLocation.h"
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lockstep {

/// What all checks of one translation unit share: the config, the model of
/// primitives, the AST being analysed and the list findings go to.
class CheckContext {
public:
  CheckContext(Config C, std::vector<Finding> &Out,
               std::vector<GaveUpFunction> *GaveUp = nullptr)
      : Cfg(std::move(C)), Model(Cfg), Out(Out), GaveUp(GaveUp) {}
  const Config &config() const { return Cfg; }
  const LockModel &model() const { return Model; }
  /// Valid while a translation unit is being analysed.
  clang::ASTContext &ast() const { return *AST; }
  void setAST(clang::ASTContext *Ctx) { AST = Ctx; }
  /// Appends \p F unless an identical finding was already emitted
  /// (template instantiations repeat their findings).
  void emit(Finding F);
  /// The file position of \p Loc (macro expansions resolved to where they
  /// are written), with the file path made absolute.
  SourcePoint point(clang::SourceLocation Loc) const;
  /// Locations outside the user's code (system headers, invalid).
  bool ignored(clang::SourceLocation Loc) const;
  /// Records that a flow analysis gave up on \p FD (once per function,
  /// whichever checks gave up on it).
  void gaveUp(const clang::FunctionDecl *FD);

private:
  const Config Cfg; // a copy: the consumer may outlive the caller's Config
  LockModel Model;
  std::vector<Finding> &Out;
  std::vector<GaveUpFunction> *GaveUp;
  clang::ASTContext *AST = nullptr;
};

class Check : public LockHandler,
              public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  Check(llvm::StringRef Id, CheckContext &Ctx) : Id(Id.str()), Ctx(Ctx) {}
  ~Check() override;
  const std::string &id() const { return Id; }
  /// AST-based checks register their matchers here.
  virtual void
  registerMatchers(clang::ast_matchers::MatchFinder &Finder) {}
  /// Called for each match of this check's matchers.
  virtual void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) {}
  /// Called once the lock analysis has summarised every function of the
  /// translation unit, for checks that ask it what calls do (which ones
  /// visibly throw, which never return).
  virtual void afterLockAnalysis(TUAnalysis &TU) {}
  void run(const clang::ast_matchers::MatchFinder::MatchResult &R) final {
    check(R);
  }

protected:
  /// A finding of this check at \p Loc; add notes, then emit() it.
  Finding diag(clang::SourceLocation Loc, std::string Message) const;
  /// Adds a note unless \p Loc is invalid.
  void note(Finding &F, clang::SourceLocation Loc, std::string Message) const;
  void emit(Finding F) { Ctx.emit(std::move(F)); }
  /// A flow analysis of \p FD gave up (FlowOutcome::GaveUp): the driver
  /// tells the user that findings in it may be missing.
  void gaveUp(const clang::FunctionDecl *FD) { Ctx.gaveUp(FD); }
  CheckContext &context() const { return Ctx; }

  /// A function body a flow check analyses: the function (a lambda's call
  /// operator for a lambda) and its body.
  struct FunctionBody {
    const clang::FunctionDecl *Function = nullptr;
    const clang::Stmt *Body = nullptr;
  };
  /// For checks that analyse every function body of the user's code: matches
  /// function definitions and lambdas (whose call operators are not matched
  /// as function declarations), read back with matchedBody().
  void matchFunctionBodies(clang::ast_matchers::MatchFinder &Finder);
  /// The body a match of matchFunctionBodies() names, when it is a
  /// non-dependent, valid definition; empty otherwise.
  static FunctionBody
  matchedBody(const clang::ast_matchers::MatchFinder::MatchResult &Result);

private:
  std::string Id;
  CheckContext &Ctx;
};

using CheckFactory = std::function<std::unique_ptr<Check>(CheckContext &)>;

/// The registry the family modules fill.
class CheckFactories {
public:
  void registerCheck(CheckInfo Info, CheckFactory Make);
  template <typename CheckT>
  void registerCheck(llvm::StringRef Id, llvm::StringRef Summary,
                     std::vector<std::string> Options = {}) {
    registerCheck(CheckInfo{Id.str(), Summary.str(),
                            "analyzer/docs/checks/" + Id.str() + ".md",
                            std::move(Options)},
                  [Id = Id.str()](CheckContext &Ctx) {
                    return std::make_unique<CheckT>(Id, Ctx);
                  });
  }
  struct Entry {
    CheckInfo Info;
    CheckFactory Make;
  };
  const std::vector<Entry> &entries() const { return Entries; }

private:
  std::vector<Entry> Entries;
};

/// Every check, from every family module, sorted by ID.
const CheckFactories &checkFactories();

// Family modules (checks/<family>/<Family>Module.cpp).
void registerBarriersChecks(CheckFactories &F);
void registerCoroutinesChecks(CheckFactories &F);
void registerLocksChecks(CheckFactories &F);
void registerCondvarsChecks(CheckFactories &F);
void registerSemaphoresChecks(CheckFactories &F);

} // namespace lockstep

#endif // LOCKSTEP_ANALYZER_CHECK_H
