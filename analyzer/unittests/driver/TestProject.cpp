//===- TestProject.cpp - Temporary projects and tool runs for tests -------===//
#include "TestProject.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace lockstep::test;

static std::string slurp(const std::string &Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  return Buf ? (*Buf)->getBuffer().str() : std::string();
}

ToolRun lockstep::test::runProgram(const std::string &Program,
                                   const std::vector<std::string> &Args,
                                   const std::string &Cwd,
                                   unsigned TimeoutSeconds, Stdout StdoutTo,
                                   unsigned MemoryLimitMB) {
  llvm::SmallString<128> OutPath, ErrPath;
  llvm::sys::fs::createTemporaryFile("tool-out", "txt", OutPath);
  llvm::sys::fs::createTemporaryFile("tool-err", "txt", ErrPath);
  std::vector<std::string> Argv = {Program};
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  std::vector<char *> CArgv;
  for (std::string &A : Argv)
    CArgv.push_back(A.data());
  CArgv.push_back(nullptr);

  // The reading end is closed before the program starts, as when the
  // consumer of a shell pipeline (`| head`) has already gone.
  int Pipe[2] = {-1, -1};
  if (StdoutTo == Stdout::ClosedPipe && pipe(Pipe) != 0)
    throw std::runtime_error("cannot create a pipe");
  if (Pipe[0] >= 0)
    close(Pipe[0]);

  ToolRun R;
  pid_t Pid = fork();
  if (Pid == 0) {
    int Out = StdoutTo == Stdout::ClosedPipe ? Pipe[1]
              : StdoutTo == Stdout::DiskFull ? open("/dev/full", O_WRONLY)
                                             : open(OutPath.c_str(), O_WRONLY | O_TRUNC);
    int Err = open(ErrPath.c_str(), O_WRONLY | O_TRUNC);
    int In = open("/dev/null", O_RDONLY);
    if (Out < 0 || Err < 0 || In < 0 || chdir(Cwd.c_str()) != 0)
      _exit(127);
    if (MemoryLimitMB) {
      struct rlimit Limit;
      Limit.rlim_cur = Limit.rlim_max = rlim_t(MemoryLimitMB) << 20;
      setrlimit(RLIMIT_AS, &Limit);
    }
    dup2(In, 0);
    dup2(Out, 1);
    dup2(Err, 2);
    execv(Program.c_str(), CArgv.data());
    _exit(127);
  }
  if (Pipe[1] >= 0)
    close(Pipe[1]);
  auto Deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(TimeoutSeconds);
  int WStatus = 0;
  while (true) {
    pid_t Done = waitpid(Pid, &WStatus, WNOHANG);
    if (Done == Pid)
      break;
    if (std::chrono::steady_clock::now() > Deadline) {
      kill(Pid, SIGKILL);
      waitpid(Pid, &WStatus, 0);
      R.TimedOut = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!R.TimedOut && WIFEXITED(WStatus))
    R.Status = WEXITSTATUS(WStatus);
  R.Out = slurp(std::string(OutPath.str()));
  R.Err = slurp(std::string(ErrPath.str()));
  llvm::sys::fs::remove(OutPath);
  llvm::sys::fs::remove(ErrPath);
  return R;
}

TestProject::TestProject() {
  llvm::SmallString<128> Dir;
  if (llvm::sys::fs::createUniqueDirectory("lockstep-test", Dir))
    throw std::runtime_error("cannot create a temporary directory");
  // Canonical, so paths compare equal to what the tool prints.
  llvm::SmallString<128> Real;
  llvm::sys::fs::real_path(Dir, Real);
  Root = std::string(Real.str());
}

TestProject::~TestProject() { llvm::sys::fs::remove_directories(Root); }

std::string TestProject::path(llvm::StringRef Rel) const {
  llvm::SmallString<256> P(Root);
  llvm::sys::path::append(P, Rel);
  return std::string(P.str());
}

void TestProject::write(llvm::StringRef Rel, llvm::StringRef Content) const {
  std::string P = path(Rel);
  llvm::sys::fs::create_directories(llvm::sys::path::parent_path(P));
  std::error_code EC;
  llvm::raw_fd_ostream OS(P, EC);
  if (EC)
    throw std::runtime_error("cannot write " + P);
  OS << Content;
}

std::string TestProject::read(llvm::StringRef Rel) const {
  return slurp(path(Rel));
}

void TestProject::writeCompileCommands(const std::vector<std::string> &Files,
                                       llvm::StringRef Dir,
                                       llvm::StringRef Flags) const {
  llvm::json::Array Entries;
  for (const std::string &F : Files) {
    std::string Command = "clang++ -std=c++17 ";
    if (!Flags.empty())
      Command += Flags.str() + " ";
    Command += "-c " + path(F) + " -o " + path(F) + ".o";
    Entries.push_back(llvm::json::Object{
        {"directory", Root}, {"command", Command}, {"file", path(F)}});
  }
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  OS << llvm::json::Value(std::move(Entries));
  OS.flush();
  write((Dir + "/compile_commands.json").str(), Text);
}
