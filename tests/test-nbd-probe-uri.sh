#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The init-state probe finds host/port/socket/export in plain NBD URIs and
# leaves TLS, vsock and odd URIs alone.
source "$(dirname "$0")/functions.sh"
P=$abs_builddir/tests/test-probe

check () {
  local got
  got=$("$P" --parse "$1")
  [ "$got" = "$2" ] || fail "parse '$1': got '$got', expected '$2'"
}

check 'nbd://localhost/disk'            'tcp host=localhost port=10809 export=disk'
check 'nbd://example.com:1234'          'tcp host=example.com port=1234 export='
check 'nbd://u@h:99//abs%41'            'tcp host=h port=99 export=/absA'
check 'nbd://[::1]:10810/x'             'tcp host=::1 port=10810 export=x'
check 'nbd+unix:///e?socket=/tmp/s'     'unix socket=/tmp/s export=e'
check 'nbd+unix://?socket=%2Ftmp%2Fs'   'unix socket=/tmp/s export='
check 'nbd+unix:///?a=b&socket=/x&c=d'  'unix socket=/x export='
check 'nbds://localhost/disk'           'skip'
check 'nbds+unix:///?socket=/tmp/s'     'skip'
check 'nbd+vsock:///'                   'skip'
check 'nbd://h/?tls-type=psk'           'skip'
check 'nbd+unix:///'                    'skip'
check 'nbd+unix://host/?socket=/x'      'skip'
check 'nbd+unix:///?socket=%00abstract' 'skip'
check 'nbd://h/bad%zz'                  'skip'
check 'nbd://[::1/x'                    'skip'
