# The compiler wrappers (lockstep-cc / lockstep-c++) with one underlying compiler (cmake -P):
#   -DWRAPPER=<build>/bin/lockstep-c++ -DCXX=<g++-12 | clang++-14 | ...> -DRACY=<source> -DCLEAN=<source>
#   -DWORK_DIR=<scratch> -DPROJECT_DIR=<this directory>/project -DGENERATOR=... [-DMAKE_PROGRAM=...]
# Builds RACY and CLEAN the ways a build system would call a compiler: compile then link, compile and link at
# once, with -fsanitize=thread on the link as CXXFLAGS put it there, and a whole CMake build with the wrapper as
# the compiler. Each program must be instrumented, linked with liblockstep and never with the compiler's
# ThreadSanitizer runtime: RACY reports a data race (exit 66), CLEAN exits 0. Bad setups must fail with a
# message: an unknown compiler, a compiler that is neither GCC nor Clang.
cmake_minimum_required(VERSION 3.20)
foreach(var WRAPPER CXX RACY CLEAN WORK_DIR PROJECT_DIR GENERATOR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_wrapper.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(ENV{LOCKSTEP_CXX} "${CXX}")

function(run what)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE status OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "wrapper: ${what} failed (${status}):\n${out}\n${err}")
  endif()
endfunction()

# A built program: never linked with a ThreadSanitizer runtime, linked with liblockstep, exits as expected.
function(check program expected_status)
  execute_process(COMMAND ldd "${program}" OUTPUT_VARIABLE libs RESULT_VARIABLE status)
  if(NOT status EQUAL 0 OR NOT libs MATCHES "liblockstep\\.so")
    message(FATAL_ERROR "wrapper: ${program} is not linked with liblockstep:\n${libs}")
  endif()
  if(libs MATCHES "libtsan")
    message(FATAL_ERROR "wrapper: ${program} is linked with ThreadSanitizer's runtime:\n${libs}")
  endif()
  execute_process(COMMAND nm "${program}" OUTPUT_VARIABLE symbols)
  if(symbols MATCHES " T __tsan_init")
    message(FATAL_ERROR "wrapper: ${program} holds ThreadSanitizer's runtime (__tsan_init is defined in it)")
  endif()
  execute_process(COMMAND "${program}" RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
  if(NOT status STREQUAL "${expected_status}")
    message(FATAL_ERROR "wrapper: ${program} exited '${status}', expected ${expected_status}; its stderr:\n${err}")
  endif()
  if(expected_status EQUAL 66 AND NOT err MATCHES "data race")
    message(FATAL_ERROR "wrapper: ${program} did not report a data race:\n${err}")
  endif()
  message(STATUS "wrapper: ${program}: ok")
endfunction()

foreach(kind racy clean)
  if(kind STREQUAL racy)
    set(source "${RACY}")
    set(status 66)
  else()
    set(source "${CLEAN}")
    set(status 0)
  endif()
  # Compile, then link (with -fsanitize=thread on the link line, as CXXFLAGS would put it there).
  run("compile ${kind}" "${WRAPPER}" -std=c++20 -O1 -g -c "${source}" -o ${kind}.o)
  run("link ${kind}" "${WRAPPER}" -fsanitize=thread -pthread ${kind}.o -o ${kind}_two_steps)
  check("${WORK_DIR}/${kind}_two_steps" ${status})
  # Compile and link at once.
  run("compile and link ${kind}" "${WRAPPER}" -std=c++20 -O1 -g -pthread "${source}" -o ${kind}_one_step)
  check("${WORK_DIR}/${kind}_one_step" ${status})
endforeach()

# The compiler under another name, as Debian's c++ is GCC's (its --version line names neither GCC nor g++).
find_program(compiler_path "${CXX}" REQUIRED)
file(CREATE_LINK "${compiler_path}" "${WORK_DIR}/c++" SYMBOLIC)
set(ENV{LOCKSTEP_CXX} "${WORK_DIR}/c++")
run("compile and link through a compiler named c++" "${WRAPPER}" -std=c++20 -O1 -g -pthread "${CLEAN}" -o renamed)
check("${WORK_DIR}/renamed" 0)
set(ENV{LOCKSTEP_CXX} "${CXX}")

# A whole CMake build with the wrapper as the compiler.
set(args -S "${PROJECT_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${WRAPPER}"
    "-DRACY_SOURCE=${RACY}" "-DCLEAN_SOURCE=${CLEAN}" -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if(DEFINED MAKE_PROGRAM AND NOT MAKE_PROGRAM STREQUAL "")
  list(APPEND args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
run("configure a project with the wrapper as its compiler" "${CMAKE_COMMAND}" ${args})
run("build it" "${CMAKE_COMMAND}" --build "${WORK_DIR}/build")
check("${WORK_DIR}/build/racy_program" 66)
check("${WORK_DIR}/build/clean_program" 0)

# Bad setups: a clear message and exit status 2.
function(expect_refusal what compiler regex)
  set(ENV{LOCKSTEP_CXX} "${compiler}")
  execute_process(COMMAND "${WRAPPER}" -c "${CLEAN}" -o refused.o WORKING_DIRECTORY "${WORK_DIR}"
                  RESULT_VARIABLE status ERROR_VARIABLE err)
  if(NOT status EQUAL 2 OR NOT err MATCHES "${regex}")
    message(FATAL_ERROR "wrapper: ${what}: exited '${status}', expected 2 and a message matching '${regex}':\n${err}")
  endif()
endfunction()
expect_refusal("an unknown compiler" "${WORK_DIR}/no-such-compiler" "was not found")
expect_refusal("a compiler that is neither GCC nor Clang" "true" "is neither GCC nor Clang")
