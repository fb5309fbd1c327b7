# Runs one testdata/runtime program several times under liblockstep and checks its outcome (cmake -P).
#
#   cmake -DPROGRAM=<exe> -DEXPECT=<kind|none> [-DRUNS=5] [-DRUN_TIMEOUT=30] -DWORK_DIR=<dir> -P run_program.cmake
#
# Every run gets LOCKSTEP_OPTIONS=report_json=<file>. A clean program (EXPECT=none) must exit 0 and
# write no report; a buggy one must exit 66 (the runtime's default exitcode) with at least one report
# whose "kind" is EXPECT and none of another kind; every report must list threads (with where each
# was created) and events with a stack (one event per party for races, cycles and deadlocks, each a
# whole stack, and for cycles also where each edge's first lock was taken). A run that does not finish in RUN_TIMEOUT seconds
# fails (the runtime must never hang, even on a real deadlock).
cmake_minimum_required(VERSION 3.20)

foreach(var PROGRAM EXPECT WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_program.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED RUNS OR "${RUNS}" STREQUAL "")
  set(RUNS 5)
endif()
if(NOT DEFINED RUN_TIMEOUT OR "${RUN_TIMEOUT}" STREQUAL "")
  set(RUN_TIMEOUT 30)
endif()
if(NOT RUNS MATCHES "^[1-9][0-9]*$")
  message(FATAL_ERROR "run_program.cmake: RUNS must be a positive integer, got '${RUNS}'")
endif()
if(NOT EXISTS "${PROGRAM}")
  message(FATAL_ERROR "run_program.cmake: program '${PROGRAM}' does not exist")
endif()
file(MAKE_DIRECTORY "${WORK_DIR}")
get_filename_component(name "${PROGRAM}" NAME)

# Prints what a failing run said, then stops the test.
function(fail run why)
  message("---- ${name}, run ${run}/${RUNS}: exit status ${rc}")
  message("---- stderr:\n${err}")
  message("---- report_json:\n${json}")
  message(FATAL_ERROR "${name}, run ${run}/${RUNS}: ${why}")
endfunction()

foreach(run RANGE 1 ${RUNS})
  set(json_file "${WORK_DIR}/${name}.run${run}.jsonl")
  file(REMOVE "${json_file}")
  # Set in this process's environment (inherited by the program) rather than through `cmake -E env`,
  # so that a timeout kills the program itself.
  set(ENV{LOCKSTEP_OPTIONS} "report_json=${json_file}")
  execute_process(
    COMMAND "${PROGRAM}"
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err
    TIMEOUT ${RUN_TIMEOUT})
  set(json "")
  if(EXISTS "${json_file}")
    file(READ "${json_file}" json)
  endif()

  # One JSON object per line; collect their kinds.
  set(kinds "")
  set(count 0)
  set(rest "${json}")
  while(NOT rest STREQUAL "")
    string(FIND "${rest}" "\n" nl)
    if(nl EQUAL -1)
      set(line "${rest}")
      set(rest "")
    else()
      string(SUBSTRING "${rest}" 0 ${nl} line)
      math(EXPR next "${nl} + 1")
      string(SUBSTRING "${rest}" ${next} -1 rest)
    endif()
    string(STRIP "${line}" line)
    if(line STREQUAL "")
      continue()
    endif()
    string(JSON kind ERROR_VARIABLE json_error GET "${line}" kind)
    if(json_error)
      fail(${run} "a report_json line is not a JSON object with a \"kind\": ${json_error}")
    endif()
    # The issue's minimum for every report: the threads and the stacks. Kinds about two or more
    # parties (both accesses, every edge of a cycle, every blocked thread) show an event for each.
    string(JSON nthreads ERROR_VARIABLE json_error LENGTH "${line}" threads)
    if(json_error OR nthreads LESS 1)
      fail(${run} "a '${kind}' report lists no threads")
    endif()
    string(JSON nevents ERROR_VARIABLE json_error LENGTH "${line}" events)
    if(json_error OR nevents LESS 1)
      fail(${run} "a '${kind}' report has no events")
    endif()
    string(JSON nframes ERROR_VARIABLE json_error LENGTH "${line}" events 0 stack)
    if(json_error OR nframes LESS 1)
      fail(${run} "the first event of a '${kind}' report has no stack")
    endif()
    if(kind MATCHES "^(data-race|deadlock|lock-order-inversion|cv-multiple-mutexes)$" AND nevents LESS 2)
      fail(${run} "a '${kind}' report must show an event per party, it has ${nevents}")
    endif()
    # Whole stacks, not call sites: each party of a race, an inversion or a deadlock is shown with
    # its callers (every testdata access and acquisition runs in a function called by another), and
    # an inversion also shows where each edge's first lock was taken.
    if(kind MATCHES "^(data-race|deadlock|lock-order-inversion)$")
      math(EXPR last_event "${nevents} - 1")
      foreach(e RANGE 0 ${last_event})
        string(JSON n ERROR_VARIABLE json_error LENGTH "${line}" events ${e} stack)
        if(json_error OR n LESS 2)
          fail(${run} "event ${e} of a '${kind}' report has a stack of ${n} frame(s); a whole stack was expected")
        endif()
        if(kind STREQUAL "lock-order-inversion")
          string(JSON n ERROR_VARIABLE json_error LENGTH "${line}" events ${e} locks_held 0 acquired_at)
          if(json_error OR n LESS 2)
            fail(${run} "edge ${e} of a lock-order inversion shows ${n} frame(s) where its first lock was acquired")
          endif()
        endif()
      endforeach()
    endif()
    # Every thread but the main one says where it was created.
    math(EXPR last_thread "${nthreads} - 1")
    foreach(t RANGE 0 ${last_thread})
      string(JSON id ERROR_VARIABLE json_error GET "${line}" threads ${t} id)
      string(JSON n ERROR_VARIABLE json_error LENGTH "${line}" threads ${t} created_at)
      if(NOT id STREQUAL "0" AND (json_error OR n LESS 1))
        fail(${run} "thread T${id} of a '${kind}' report has no creation stack")
      endif()
    endforeach()
    math(EXPR count "${count} + 1")
    list(APPEND kinds "${kind}")
  endwhile()
  list(REMOVE_DUPLICATES kinds)

  if(EXPECT STREQUAL "none")
    if(NOT rc STREQUAL "0")
      fail(${run} "a clean program must exit 0 (reports of kind: '${kinds}')")
    endif()
    if(count GREATER 0)
      fail(${run} "a clean program must not be reported, got ${count} report(s) of kind '${kinds}'")
    endif()
  else()
    if(NOT rc STREQUAL "66")
      fail(${run} "expected exit status 66 after a '${EXPECT}' report (reports of kind: '${kinds}')")
    endif()
    if(count EQUAL 0)
      fail(${run} "expected a '${EXPECT}' report in report_json, found none")
    endif()
    if(NOT kinds STREQUAL "${EXPECT}")
      fail(${run} "expected only '${EXPECT}' reports, got kinds '${kinds}'")
    endif()
  endif()
endforeach()
message(STATUS "${name}: ${RUNS} run(s), outcome as expected (${EXPECT})")
