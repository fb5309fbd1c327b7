# lockstep_instrument(<target>): compiles <target>'s C and C++ sources with the compiler's thread
# instrumentation (-fsanitize=thread; GCC 12, Clang 14 and 16) and links liblockstep as the runtime
# behind it, so that every memory access and atomic operation of unmodified code is checked. The
# compiler's own ThreadSanitizer runtime is never linked: -fsanitize=thread goes to the compile
# steps only (liblockstep refuses to run, with a message, if libtsan is linked in anyway).
function(lockstep_instrument target)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "lockstep_instrument: '${target}' is not a target")
  endif()
  get_target_property(type ${target} TYPE)
  if(NOT type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|STATIC_LIBRARY|OBJECT_LIBRARY|MODULE_LIBRARY)$")
    message(FATAL_ERROR "lockstep_instrument: '${target}' is a ${type}; it needs a target that compiles sources")
  endif()
  foreach(lang C CXX)
    if(CMAKE_${lang}_COMPILER_LOADED AND NOT CMAKE_${lang}_COMPILER_ID MATCHES "^(GNU|Clang)$")
      message(FATAL_ERROR "lockstep_instrument: the ${lang} compiler is ${CMAKE_${lang}_COMPILER_ID}; "
                          "thread instrumentation needs GCC or Clang")
    endif()
  endforeach()
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:C,CXX>:-fsanitize=thread>
    # GCC warns that ThreadSanitizer does not support atomic_thread_fence; liblockstep does.
    $<$<AND:$<COMPILE_LANGUAGE:C>,$<C_COMPILER_ID:GNU>>:-Wno-tsan>
    $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>>:-Wno-tsan>)
  target_link_libraries(${target} PRIVATE lockstep::runtime)
endfunction()
