# Install helpers that look at the prefix given at install time
# (`cmake --install build --prefix /usr`), not only the one known when
# configuring.

# chatter_install_configured(TEMPLATE DESTINATION): installs TEMPLATE (.in)
# with @CHATTER_BINDIR@ set to the bin directory of the install-time prefix
# (`cmake --install build --prefix /tmp/x` writes /tmp/x/bin). The file is
# configured straight into its destination, never into the build tree, so
# two installs of one build with different prefixes (the tests run several
# at once) cannot swap files.
function(chatter_install_configured template destination)
  get_filename_component(name ${template} NAME_WLE)
  install(CODE "
    set(CHATTER_BINDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    set(installed \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${destination}/${name}\")
    message(STATUS \"Installing: \${installed}\")
    configure_file(\"${CMAKE_CURRENT_SOURCE_DIR}/${template}\" \"\${installed}\" @ONLY)
    list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${installed}\")")
endfunction()

# chatter_install_sysconf(FILE SUBDIR): installs FILE into SUBDIR of the
# system configuration directory of the install-time prefix, with
# GNUInstallDirs' rule for CMAKE_INSTALL_FULL_SYSCONFDIR: /etc for the prefix
# /usr, /etc/opt/NAME for /opt/NAME, PREFIX/etc otherwise. (A plain
# DESTINATION of ${CMAKE_INSTALL_SYSCONFDIR} gives /usr/etc for /usr, where
# no desktop looks; FULL_SYSCONFDIR itself is fixed at configure time.) An
# absolute CMAKE_INSTALL_SYSCONFDIR is used as given. DESTDIR is honoured.
function(chatter_install_sysconf file subdir)
  get_filename_component(source ${file} ABSOLUTE)
  install(CODE "
    set(sysconfdir \"${CMAKE_INSTALL_SYSCONFDIR}\")
    if(NOT IS_ABSOLUTE \"\${sysconfdir}\")
      if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
        set(sysconfdir \"/\${sysconfdir}\")
      elseif(CMAKE_INSTALL_PREFIX MATCHES \"^/opt/(.+)$\")
        set(sysconfdir \"/\${sysconfdir}/opt/\${CMAKE_MATCH_1}\")
      else()
        set(sysconfdir \"\${CMAKE_INSTALL_PREFIX}/\${sysconfdir}\")
      endif()
    endif()
    file(INSTALL DESTINATION \"\${sysconfdir}/${subdir}\" TYPE FILE FILES \"${source}\")")
endfunction()
