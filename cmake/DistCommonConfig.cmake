# One place for the language standard, the Qt strictness macros and the warnings.
# Every target of the project links dist_common_cfg.
add_library(dist_common_cfg INTERFACE)
target_compile_features(dist_common_cfg INTERFACE cxx_std_20)
target_compile_definitions(dist_common_cfg INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    QT_NO_KEYWORDS
    DIST_VERSION="${PROJECT_VERSION}"
)
target_compile_options(dist_common_cfg INTERFACE
    -Wall -Wextra -pedantic -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-qual
    $<$<BOOL:${DIST_WERROR}>:-Werror>
)
