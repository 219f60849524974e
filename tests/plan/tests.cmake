# Plan checks (label "plan"):
#  - plan.goldens: sections, Python that compiles and passes `mlxplan check`,
#    spec provenance, and the guard over every golden of every command
#    (check_goldens.py);
#  - plan.consistency: each plan number equals `mlxplan estimate` for the
#    same inputs (consistency.py, requests in consistency.txt);
#  - plan.literals: the guard over every string literal of src/ and the
#    practices table, i.e. over everything the program can print.
set(PLAN_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/plan)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

add_executable(guard_files ${PLAN_TEST_DIR}/guard_files.c)
target_link_libraries(guard_files PRIVATE mlxplan_core PkgConfig::CJSON)

add_test(NAME plan.goldens
         COMMAND ${Python3_EXECUTABLE} ${PLAN_TEST_DIR}/check_goldens.py
                 $<TARGET_FILE:guard_files> ${CMAKE_CURRENT_SOURCE_DIR}/e2e/golden
                 $<TARGET_FILE:mlxplan>)
add_test(NAME plan.consistency
         COMMAND ${Python3_EXECUTABLE} ${PLAN_TEST_DIR}/consistency.py
                 $<TARGET_FILE:mlxplan> ${PLAN_TEST_DIR}/consistency.txt)
add_test(NAME plan.literals
         COMMAND sh -c "\"$0\" \"$1\" \"$2\" \"$3\"/literals.txt && \"$4\" \"$3\"/literals.txt"
                 ${Python3_EXECUTABLE} ${PLAN_TEST_DIR}/literals.py ${CMAKE_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR} $<TARGET_FILE:guard_files>)
set_tests_properties(plan.goldens plan.consistency plan.literals PROPERTIES LABELS "plan"
                     TIMEOUT 300)

# More positional arguments than the CLI takes (CLI_MAX_POS, 1024: `check`
# takes many files) is a usage error naming the limit.
add_test(NAME cli.too_many_args
         COMMAND sh -c "out=$(\"$0\" hw show $(seq 1 1025) 2>&1); rc=$?; [ $rc -eq 2 ] && [ \"$out\" = \"mlxplan: too many arguments (at most 1024) (try 'mlxplan hw --help')\" ] || { echo \"rc=$rc: $out\"; exit 1; }"
                 $<TARGET_FILE:mlxplan>)
set_tests_properties(cli.too_many_args PROPERTIES LABELS "e2e")

# cli.install: `cmake --install` puts a working mlxplan into PREFIX/bin (the README's
# install step), runnable from outside the source and build trees.
add_test(NAME cli.install
         COMMAND sh -c "rm -rf \"$1\" && \"$0\" --install \"$2\" --prefix \"$1\" >/dev/null && cd / && \"$1\"/bin/mlxplan --version | grep -q mlxplan && \"$1\"/bin/mlxplan plan --no-detect --no-input 'run qwen3 8b on M2 Max 64GB' | grep -q '^# Plan: Run Qwen/Qwen3-8B on M2 Max 30c, 64 GB'"
                 ${CMAKE_COMMAND} ${CMAKE_CURRENT_BINARY_DIR}/install-prefix ${CMAKE_BINARY_DIR})
set_tests_properties(cli.install PROPERTIES LABELS "e2e" TIMEOUT 120)

# plan.parse: the request corpus (requests.tsv, requests written the way people write them)
# planned offline; any field that parse_baseline.tsv does not list as wrong today must be
# right, so understanding cannot regress (figures: bench_parse, printed in the test log).
add_test(NAME plan.parse
         COMMAND $<TARGET_FILE:bench_parse> ${PLAN_TEST_DIR}/requests.tsv
                 ${PLAN_TEST_DIR}/parse_baseline.tsv --quiet)
set_tests_properties(plan.parse PROPERTIES LABELS "plan" TIMEOUT 300)

# plan.pty_ask: `mlxplan plan` in a real pseudo-terminal: asks what the request leaves
# open, keeps the defaults on Enter or the end of input, plans with the answers, and never
# asks with --no-input, --json, `plan -` or when standard input is not a terminal.
add_test(NAME plan.pty_ask
         COMMAND ${Python3_EXECUTABLE} ${PLAN_TEST_DIR}/pty_ask.py $<TARGET_FILE:mlxplan>)
set_tests_properties(plan.pty_ask PROPERTIES LABELS "plan" TIMEOUT 300)

# plan.bad_request_bytes: a request argument with bytes that are not UTF-8 is refused with
# one line naming the byte and its offset (exit 2); control characters are dropped, the
# request is planned and no escape sequence reaches the output.
add_test(NAME plan.bad_request_bytes
         COMMAND sh -c "out=$(\"$0\" plan --no-detect --no-input \"$(printf 'run qwen3 8b \\351 on m2 max 64gb')\" 2>&1); rc=$?; [ $rc -eq 2 ] && [ \"$out\" = 'mlxplan: the request is not valid UTF-8 text: byte 0xe9 at offset 13' ] || { echo \"utf8 rc=$rc: $out\"; exit 1; }; out=$(\"$0\" plan --no-detect --no-input \"$(printf 'run qwen3 8b\\001\\033[31m on m2 max 64gb')\"); rc=$?; [ $rc -eq 0 ] || { echo \"control rc=$rc\"; exit 1; }; printf '%s\\n' \"$out\" | head -1 | grep -qx '# Plan: Run Qwen/Qwen3-8B on M2 Max 30c, 64 GB' || { echo 'control: no plan'; exit 1; }; if printf '%s' \"$out\" | grep -q \"$(printf '\\033')\"; then echo 'control: escape in output'; exit 1; fi"
                 $<TARGET_FILE:mlxplan>)
set_tests_properties(plan.bad_request_bytes PROPERTIES LABELS "plan")
