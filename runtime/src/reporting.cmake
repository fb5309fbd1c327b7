# lockstep_reporting: the runtime's reports, stacks, flags and suppressions (linked into liblockstep.so).
# Included from runtime/CMakeLists.txt, so paths are relative to runtime/.
add_library(lockstep_reporting STATIC
  ${CMAKE_CURRENT_LIST_DIR}/flags.cpp
  ${CMAKE_CURRENT_LIST_DIR}/report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/report_json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/report_text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/runtime_memory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stack.cpp
  ${CMAKE_CURRENT_LIST_DIR}/suppressions.cpp
)
set_target_properties(lockstep_reporting PROPERTIES POSITION_INDEPENDENT_CODE ON)
target_compile_features(lockstep_reporting PUBLIC cxx_std_20)
target_include_directories(lockstep_reporting PUBLIC
  $<BUILD_INTERFACE:${CMAKE_CURRENT_LIST_DIR}>
  $<BUILD_INTERFACE:${CMAKE_CURRENT_LIST_DIR}/../include>
)
target_compile_options(lockstep_reporting PRIVATE -Wall -Wextra)
# dladdr/dl_iterate_phdr (libdl is part of glibc 2.34+, named for older ones); the
# unwinder comes with the C++ runtime (libgcc_s).
target_link_libraries(lockstep_reporting PUBLIC ${CMAKE_DL_LIBS})
