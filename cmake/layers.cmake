# One CMake target per layer of RFC 3261 §5. A layer sees only its own headers and those of the
# layers it names in DEPS: each target gets a private include root under the build tree that holds
# links to exactly those folders. An include that reaches up a layer ("transport/..." from inside
# message/) is therefore not found and the build fails, instead of waiting for review.
#
#   parley_layer(message DEPS common SOURCES uri.cpp ...)   ->  target parley_message, alias parley::message
function(parley_layer name)
  cmake_parse_arguments(L "" "" "DEPS;SOURCES;LIBS" ${ARGN})
  set(root "${PROJECT_BINARY_DIR}/layer-include/${name}")
  file(MAKE_DIRECTORY "${root}")
  foreach(dir IN LISTS L_DEPS name)
    if(NOT EXISTS "${root}/${dir}")
      file(CREATE_LINK "${PROJECT_SOURCE_DIR}/src/${dir}" "${root}/${dir}" SYMBOLIC)
    endif()
  endforeach()
  if(L_SOURCES)
    add_library(parley_${name} STATIC ${L_SOURCES})
    set(scope PUBLIC)
  else()
    add_library(parley_${name} INTERFACE)
    set(scope INTERFACE)
  endif()
  add_library(parley::${name} ALIAS parley_${name})
  target_include_directories(parley_${name} ${scope} "${root}")
  foreach(dep IN LISTS L_DEPS)
    target_link_libraries(parley_${name} ${scope} parley_${dep})
  endforeach()
  if(L_LIBS)
    target_link_libraries(parley_${name} ${scope} ${L_LIBS})
  endif()
endfunction()
