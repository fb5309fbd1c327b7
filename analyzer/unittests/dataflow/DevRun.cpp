//===- DevRun.cpp - Prints the findings for files (a developer's aid) -----===//
//
// lockstep-dataflow-run FILE... : runs every check on each file and prints
// the findings in clang-tidy's shape. Not a test; used to look at testdata.
//
//===----------------------------------------------------------------------===//
#include "RunChecks.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  int Status = 0;
  for (int I = 1; I < argc; ++I) {
    auto Buf = llvm::MemoryBuffer::getFile(argv[I]);
    if (!Buf) {
      llvm::errs() << argv[I] << ": cannot read\n";
      return 2;
    }
    llvm::SmallString<256> Path(argv[I]);
    llvm::sys::fs::make_absolute(Path);
    auto Findings = lockstep::test::runChecks((*Buf)->getBuffer().str(), "",
                                              lockstep::Config(), {},
                                              std::string(Path.str()));
    for (const auto &F : Findings) {
      llvm::outs() << argv[I] << ":" << F.Where.Line << ":" << F.Where.Column
                   << ": warning: " << F.Message << " [" << F.CheckId << "]\n";
      for (const auto &N : F.Notes)
        llvm::outs() << "  " << N.Where.Line << ":" << N.Where.Column
                     << ": note: " << N.Message << "\n";
      Status = 1;
    }
  }
  return Status;
}
