# Runs one demo_runtime_test scenario and checks liblockstep reported it: exit status 66, the kind on stderr and in JSON.
#   cmake -DPROGRAM=<exe> -DSCENARIO=race|deadlock -DKIND=<report kind> [-DALSO=<kind,...>] [-DCOUNT=n]
#         -DWORK_DIR=<dir> -P expect-report.cmake
# ALSO lists other kinds the run may report too; COUNT is the exact number of KIND
# reports (default: at least one). Any other kind fails the test.
cmake_minimum_required(VERSION 3.20)
foreach(var PROGRAM SCENARIO KIND WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "expect-report: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(json_path "${WORK_DIR}/reports.jsonl")
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env "LOCKSTEP_OPTIONS=report_json=${json_path}"
          "${PROGRAM}" "${SCENARIO}"
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err
  TIMEOUT 90)
message("---- stderr of ${PROGRAM} ${SCENARIO} ----\n${err}---- end (exit status ${status}) ----")
if(NOT status STREQUAL "66")
  message(FATAL_ERROR "expect-report: exit status ${status}, expected 66 (a report was made)")
endif()
# The text report names the kind in words ("data race"), the JSON one by its ID.
string(REPLACE "-" "[- ]" kind_words "${KIND}")
if(NOT err MATCHES "${kind_words}")
  message(FATAL_ERROR "expect-report: stderr does not mention '${KIND}'")
endif()
if(NOT EXISTS "${json_path}")
  message(FATAL_ERROR "expect-report: no JSON report was written to ${json_path}")
endif()
string(REPLACE "," ";" allowed "${KIND},${ALSO}")
# One object per line. Semicolons would split CMake's list: they can only occur
# inside strings here, so replacing them keeps every line valid JSON.
file(READ "${json_path}" content)
string(REPLACE ";" "," content "${content}")
string(REPLACE "\n" ";" lines "${content}")
set(found 0)
set(reports "")
foreach(line IN LISTS lines)
  if(line STREQUAL "")
    continue()
  endif()
  string(JSON kind ERROR_VARIABLE error GET "${line}" kind)
  if(error)
    message(FATAL_ERROR "expect-report: a JSON report line has no \"kind\" (${error}): ${line}")
  endif()
  if(NOT kind IN_LIST allowed)
    message(FATAL_ERROR "expect-report: unexpected report kind '${kind}' (allowed: ${KIND} ${ALSO})")
  endif()
  if(kind STREQUAL KIND)
    math(EXPR found "${found} + 1")
    string(JSON where ERROR_VARIABLE no_location GET "${line}" location)
    string(JSON summary ERROR_VARIABLE no_summary GET "${line}" summary)
    string(APPEND reports "\n  ${summary} (${where})")
  endif()
endforeach()
if(DEFINED COUNT AND NOT found EQUAL COUNT)
  message(FATAL_ERROR "expect-report: ${found} '${KIND}' reports, expected exactly ${COUNT}:${reports}")
endif()
if(NOT found)
  message(FATAL_ERROR "expect-report: no '${KIND}' report among the JSON reports")
endif()
message(STATUS "expect-report: ${SCENARIO}: '${KIND}' reported, exit status 66")
