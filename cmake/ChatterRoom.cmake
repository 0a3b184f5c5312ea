# A room of the house (docs/ARCHITECTURE.md): a static library named
# chatter_<room> whose sources see, through the include path, only the rooms
# the call names under USES. Each room gets a folder of symbolic links in the
# build tree, one per room it may use (itself included), and that folder is
# its include path: `#include "hub/..."` from a room that may not use hub/
# fails to compile, so a broken arrow is a build error, not a review comment.
# The link follows the same list.
function(chatter_room room)
  cmake_parse_arguments(ROOM "" "" "SOURCES;USES;LINKS" ${ARGN})
  set(view ${PROJECT_BINARY_DIR}/rooms/${room})
  file(MAKE_DIRECTORY ${view})
  foreach(visible ${room} ${ROOM_USES})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${visible} ${view}/${visible} SYMBOLIC)
  endforeach()
  list(TRANSFORM ROOM_USES PREPEND chatter_ OUTPUT_VARIABLE below)
  add_library(chatter_${room} STATIC ${ROOM_SOURCES})
  target_include_directories(chatter_${room} PUBLIC ${view})
  target_link_libraries(chatter_${room} PUBLIC ${below} ${ROOM_LINKS} PRIVATE chatter_warnings)
endfunction()
