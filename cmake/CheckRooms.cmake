# The libdist room order, enforced. A room (a folder of libdist/) may include only itself and the
# rooms before it in ROOMS; anything else fails configure and build with the file, the include and
# what the room may use. Used two ways:
#   include() + dist_check_rooms(ROOT "ROOMS")    at configure time
#   cmake -DROOT=... -DROOMS=core,ref,... -P CheckRooms.cmake    as a build step
if(CMAKE_SCRIPT_MODE_FILE)
    cmake_policy(VERSION 3.21) # IN_LIST
endif()

function(dist_check_rooms root rooms)
    set(errors "")
    file(GLOB entries LIST_DIRECTORIES true RELATIVE "${root}" "${root}/*")
    foreach(entry IN LISTS entries)
        if(IS_DIRECTORY "${root}/${entry}")
            if(entry MATCHES "^(dist|build|out|generated)$")
                string(APPEND errors "  libdist/${entry}/: a room may not be called `${entry}`\n")
            elseif(NOT entry IN_LIST rooms)
                string(APPEND errors "  libdist/${entry}/ is not a room: add it to DIST_ROOMS in libdist/CMakeLists.txt, in order\n")
            endif()
        endif()
    endforeach()
    set(allowed "")
    foreach(room IN LISTS rooms)
        list(APPEND allowed "${room}")
        file(GLOB sources "${root}/${room}/*.h" "${root}/${room}/*.cpp")
        foreach(source IN LISTS sources)
            file(STRINGS "${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
            foreach(line IN LISTS includes)
                if(line MATCHES "include[ \t]*[<\"](\\.\\./)?([A-Za-z0-9_]+)/")
                    set(target "${CMAKE_MATCH_2}")
                    if(target IN_LIST rooms AND NOT target IN_LIST allowed)
                        get_filename_component(name "${source}" NAME)
                        string(STRIP "${line}" line)
                        string(REPLACE ";" " " may "${allowed}")
                        string(APPEND errors
                               "  libdist/${room}/${name}: `${line}` reaches a later room; ${room} may use: ${may}\n")
                    endif()
                endif()
            endforeach()
        endforeach()
    endforeach()
    if(errors)
        message(FATAL_ERROR "libdist room order broken (see docs/ARCHITECTURE.md):\n${errors}")
    endif()
endfunction()

# One reader of the environment: outside libdist/config/Settings.cpp no product code (libdist, the
# front ends, the keychain) reads a variable or an XDG/home directory itself.
function(dist_check_environment source_root)
    set(errors "")
    file(GLOB_RECURSE sources "${source_root}/libdist/*.cpp" "${source_root}/libdist/*.h" "${source_root}/gui/*.cpp"
         "${source_root}/gui/*.h" "${source_root}/headless/*.cpp" "${source_root}/headless/*.h"
         "${source_root}/keychain/*.cpp" "${source_root}/keychain/*.h")
    foreach(source IN LISTS sources)
        if(source MATCHES "/libdist/config/Settings\\.(cpp|h)$")
            continue()
        endif()
        file(STRINGS "${source}" reads
             REGEX "(qEnvironmentVariable|qgetenv|getenv[ \t]*\\(|systemEnvironment[ \t]*\\(|QStandardPaths::|QDir::homePath)")
        foreach(line IN LISTS reads)
            string(STRIP "${line}" line)
            if(NOT line MATCHES "^//")
                file(RELATIVE_PATH name "${source_root}" "${source}")
                string(APPEND errors "  ${name}: `${line}`\n")
            endif()
        endforeach()
    endforeach()
    if(errors)
        message(FATAL_ERROR "environment read outside libdist/config/Settings (add an accessor there):\n${errors}")
    endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND DEFINED SOURCE_ROOT)
    dist_check_environment("${SOURCE_ROOT}")
endif()
if(CMAKE_SCRIPT_MODE_FILE AND DEFINED ROOT AND DEFINED ROOMS)
    string(REPLACE "," ";" rooms "${ROOMS}")
    dist_check_rooms("${ROOT}" "${rooms}")
endif()
