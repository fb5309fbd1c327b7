//===- SourceCache.cpp - Source lines read once per file ------------------===//
#include "lockstep/diagnostics/SourceCache.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace lockstep;

std::vector<std::string> SourceCache::splitLines(llvm::StringRef Text) {
  std::vector<std::string> Lines;
  while (!Text.empty()) {
    auto [Line, Rest] = Text.split('\n');
    Lines.push_back(Line.rtrim('\r').str());
    Text = Rest;
  }
  return Lines;
}

const std::vector<std::string> *SourceCache::lines(llvm::StringRef File) {
  auto It = Files.find(File.str());
  if (It == Files.end()) {
    std::optional<std::vector<std::string>> Lines;
    if (auto Buf = llvm::MemoryBuffer::getFile(File, /*IsText=*/true))
      Lines = splitLines((*Buf)->getBuffer());
    It = Files.emplace(File.str(), std::move(Lines)).first;
  }
  return It->second ? &*It->second : nullptr;
}

llvm::StringRef SourceCache::line(llvm::StringRef File, unsigned Line) {
  const std::vector<std::string> *L = lines(File);
  if (!L || Line == 0 || Line > L->size())
    return "";
  return (*L)[Line - 1];
}
