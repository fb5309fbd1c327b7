# Consumer test driver (cmake -P): installs the build tree, then builds and runs ./project against the install.
#
# Required -D variables:
#   BUILD_DIR        the lockstep build tree to install (already built)
#   PROJECT_DIR      the consumer project's sources (testdata/consumer/project)
#   WORK_DIR         scratch directory; emptied first (holds prefix/, build/ and the JSON reports)
#   EXPECT_ANALYZER  ON when the build tree builds lockstep-check, so bin/lockstep-check must be installed
#   GENERATOR, C_COMPILER, CXX_COMPILER, BUILD_TYPE   how to configure the consumer (same as the outer build)
# Optional: MAKE_PROGRAM (for generators that need one).
# Any failed step or assertion ends the script with FATAL_ERROR, which fails the test with the reason.
cmake_minimum_required(VERSION 3.20)

foreach(var BUILD_DIR PROJECT_DIR WORK_DIR EXPECT_ANALYZER GENERATOR C_COMPILER CXX_COMPILER BUILD_TYPE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT EXISTS "${BUILD_DIR}/cmake_install.cmake")
  message(FATAL_ERROR "run_consumer.cmake: ${BUILD_DIR} is not a configured CMake build tree")
endif()

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# Runs a command; on a non-zero exit, fails with what it printed.
function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "consumer: ${what} failed (${status}):\n${out}\n${err}")
  endif()
  message(STATUS "consumer: ${what}: ok")
endfunction()

# Single-config generators install and build what was configured; only multi-config ones need to be told.
set(config_args "")
if(GENERATOR MATCHES "Multi-Config|Visual Studio|Xcode")
  set(config_args --config "${BUILD_TYPE}")
endif()

# 1. Install, the way a user or a package would.
run_step("cmake --install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" ${config_args})

# 2. The install layout promised in DESIGN.md.
set(expected include/lockstep/lockstep.hpp include/lockstep/lockstep.h lib/liblockstep.so lib/cmake/lockstep/lockstepConfig.cmake
    bin/lockstep-cc bin/lockstep-c++)
if(EXPECT_ANALYZER)
  list(APPEND expected bin/lockstep-check)
endif()
foreach(path IN LISTS expected)
  if(NOT EXISTS "${prefix}/${path}")
    file(GLOB_RECURSE installed RELATIVE "${prefix}" "${prefix}/*")
    list(JOIN installed "\n  " installed)
    if(installed STREQUAL "")
      set(installed "(nothing)")
    endif()
    message(FATAL_ERROR "consumer: the install is missing ${path}; it holds:\n  ${installed}")
  endif()
endforeach()
if(EXPECT_ANALYZER)
  # The installed analyzer must run from the prefix, not only exist.
  run_step("installed lockstep-check --version" "${prefix}/bin/lockstep-check" --version)
endif()

# 3. Configure and build the separate project against the installed package only.
set(configure_args -S "${PROJECT_DIR}" -B "${consumer_build}" -G "${GENERATOR}"
    "-DCMAKE_C_COMPILER=${C_COMPILER}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" "-DCMAKE_PREFIX_PATH=${prefix}"
    # Never pick up the build tree through CMake's package registries: the test is about the install.
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
if(DEFINED MAKE_PROGRAM AND NOT MAKE_PROGRAM STREQUAL "")
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
run_step("configure the consumer project" "${CMAKE_COMMAND}" ${configure_args})
file(STRINGS "${consumer_build}/CMakeCache.txt" found_dir REGEX "^lockstep_DIR:")
string(REGEX REPLACE "^lockstep_DIR:[A-Z]+=" "" found_dir "${found_dir}")
file(REAL_PATH "${prefix}/lib/cmake/lockstep" expected_dir)
if(EXISTS "${found_dir}")
  file(REAL_PATH "${found_dir}" found_dir)
endif()
if(NOT found_dir STREQUAL expected_dir)
  message(FATAL_ERROR "consumer: find_package(lockstep) used '${found_dir}', not the install at '${expected_dir}'")
endif()
run_step("build the consumer project" "${CMAKE_COMMAND}" --build "${consumer_build}" ${config_args})

# Runs one consumer program (with its arguments after the name) with report_json pointed at WORK_DIR/<label>.jsonl;
# sets <label>_status, <label>_stderr and <label>_kinds (the "kind" of every JSON report line, each line checked to
# be a JSON object). The label is the program's name, or <name>_<first argument>.
function(run_program name)
  set(label "${name}")
  if(ARGC GREATER 1)
    set(label "${name}_${ARGV1}")
  endif()
  set(json "${WORK_DIR}/${label}.jsonl")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env "LOCKSTEP_OPTIONS=report_json=${json}" "${consumer_build}/${name}" ${ARGN}
    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
  set(kinds "")
  if(EXISTS "${json}")
    file(STRINGS "${json}" lines)
    foreach(line IN LISTS lines)
      string(JSON kind ERROR_VARIABLE json_error GET "${line}" kind)
      if(json_error)
        message(FATAL_ERROR "consumer: ${name}: a report_json line is not a JSON object with a \"kind\" "
                            "(${json_error}):\n${line}")
      endif()
      list(APPEND kinds "${kind}")
    endforeach()
  endif()
  set(${label}_status "${status}" PARENT_SCOPE)
  set(${label}_stderr "${err}" PARENT_SCOPE)
  set(${label}_kinds "${kinds}" PARENT_SCOPE)
  message(STATUS "consumer: ${label} exited ${status}, reports: [${kinds}]")
endfunction()

# A program run that must be reported as exactly one data race: exit status 66, the report on stderr and in JSON.
function(expect_race label)
  if(NOT ${label}_status EQUAL 66)
    message(FATAL_ERROR "consumer: ${label} exited '${${label}_status}', expected 66; its stderr:\n${${label}_stderr}")
  endif()
  if(NOT ${label}_stderr MATCHES "data[- ]race" OR NOT ${label}_kinds STREQUAL "data-race")
    message(FATAL_ERROR "consumer: ${label} should report one data race, report_json has [${${label}_kinds}]; "
                        "its stderr:\n${${label}_stderr}")
  endif()
endfunction()

# A program run that must be silent: exit status 0, no report anywhere.
function(expect_clean label)
  if(NOT ${label}_status EQUAL 0 OR NOT ${label}_kinds STREQUAL "" OR ${label}_stderr MATCHES "lockstep")
    message(FATAL_ERROR "consumer: ${label} exited '${${label}_status}' with reports [${${label}_kinds}], "
                        "expected 0 and none; its stderr:\n${${label}_stderr}")
  endif()
endfunction()

# 4. The racy program: exit status 66 (the default exitcode), a data race report on stderr and in the JSON file.
run_program(racy_counter)
if(NOT racy_counter_status EQUAL 66)
  message(FATAL_ERROR "consumer: racy_counter exited '${racy_counter_status}', expected 66; "
                      "its stderr:\n${racy_counter_stderr}")
endif()
# The text report names the kind in words ("data race") or by its ID; either is a data-race report.
if(NOT racy_counter_stderr MATCHES "data[- ]race")
  message(FATAL_ERROR "consumer: racy_counter's stderr has no data race report:\n${racy_counter_stderr}")
endif()
if(NOT "data-race" IN_LIST racy_counter_kinds)
  message(FATAL_ERROR "consumer: racy_counter's report_json has no report of kind data-race "
                      "(kinds: [${racy_counter_kinds}])")
endif()

# 5. The clean look-alike: exit 0 and no report anywhere.
run_program(locked_counter)
if(NOT locked_counter_status EQUAL 0)
  message(FATAL_ERROR "consumer: locked_counter exited '${locked_counter_status}', expected 0; "
                      "its stderr:\n${locked_counter_stderr}")
endif()
if(NOT locked_counter_kinds STREQUAL "")
  message(FATAL_ERROR "consumer: locked_counter produced reports [${locked_counter_kinds}]; "
                      "its stderr:\n${locked_counter_stderr}")
endif()
if(locked_counter_stderr MATCHES "data[- ]race")
  message(FATAL_ERROR "consumer: locked_counter's stderr reports a data race:\n${locked_counter_stderr}")
endif()

# 6. C (C99, <lockstep/lockstep.h>) and C++11 (<lockstep/annotations.hpp>), each racy and locked.
foreach(program counter_c counter_cxx11)
  run_program(${program} racy)
  expect_race(${program}_racy)
  run_program(${program} locked)
  expect_clean(${program}_locked)
endforeach()
if(NOT counter_c_racy_stderr MATCHES "counter_c\\.c:[0-9]+")
  message(FATAL_ERROR "consumer: the C program's race report names no line of counter_c.c:\n${counter_c_racy_stderr}")
endif()

# 7. Unannotated code built with the installed lockstep_instrument(): racy and locked.
run_program(counter_instrumented racy)
expect_race(counter_instrumented_racy)
run_program(counter_instrumented locked)
expect_clean(counter_instrumented_locked)

# The installed compiler wrapper finds the installed library: the same program built without CMake.
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env "LOCKSTEP_CXX=${CXX_COMPILER}" "${prefix}/bin/lockstep-c++" -std=c++20 -g -pthread
          "${PROJECT_DIR}/counter_instrumented.cpp" -o "${consumer_build}/counter_wrapped"
  RESULT_VARIABLE status ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "consumer: the installed lockstep-c++ failed (${status}):\n${err}")
endif()
run_program(counter_wrapped racy)
expect_race(counter_wrapped_racy)
run_program(counter_wrapped locked)
expect_clean(counter_wrapped_locked)

message(STATUS "consumer: the installed package works from a separate project")
