"""What the compiler knows about tools, as command-class patterns (the same ones teams write
in `[tool.runbookc.scripts]` read_only / mutating):

    "tool"                 the tool with no subcommand
    "tool verb [sub]"      a subcommand
    "tool [verb] -f"       a flag without a value (for that subcommand, else for the tool)
    "tool [verb] -f *"     a flag taking a value (`* *`: two values), any value
    "tool [verb] -f VALUE" a flag with this value ("curl -X GET")
    "tool [verb] --f=*"    a flag whose value is optional and attached (`--color=auto`)
    "tool [verb] -#"       a number as a flag (`head -5`)
    "tool [verb] ..."      any further words

A command is read-only only when every word of it is covered by read-only patterns (see
commandclass.py); a word no pattern covers makes it unknown, a mutating one a change.
"""

from __future__ import annotations

READ_ONLY, MUTATING, UNKNOWN = "read-only", "mutating", "unknown"

# Where writing is not a change: the streams the step's output already goes to.
STREAMS = frozenset({"-", "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/fd/1", "/dev/fd/2"})


def _read(prefix: str, flags: str = "") -> dict[str, str]:
    """`prefix` read-only, with its read-only flags: each `-f` of `flags` followed by one `*`
    per value word it takes."""
    keys = [prefix]
    for token in flags.split():
        if token == "*":
            keys[-1] += " *"
        else:
            keys.append(f"{prefix} {token}")
    return dict.fromkeys(keys, READ_ONLY)


def _flags(prefix: str, flags: str, verdict: str) -> dict[str, str]:
    """Flags of `prefix` (not `prefix` itself) with `verdict`."""
    return {f"{prefix} {flag}": verdict for flag in flags.split()}


def _values(prefix: str, flags: str, values: frozenset[str] | tuple[str, ...]) -> dict[str, str]:
    """Read-only values of `prefix`'s flags (the flags' other values are decided elsewhere)."""
    return {f"{prefix} {flag} {value}": READ_ONLY for flag in flags.split() for value in values}


def _kubectl() -> dict[str, str]:
    out = _read(
        "kubectl",
        "-n * --namespace * --context * --cluster * --user * --kubeconfig * -s * --server * "
        "--token * --as * --as-group * --as-uid * --request-timeout * --insecure-skip-tls-verify "
        "--tls-server-name * --certificate-authority * --client-certificate * --client-key * "
        "-v * --v * --match-server-version --disable-compression --cache-dir *",
    )
    del out["kubectl"]  # a plugin or a verb it does not know: not read-only
    selecting = "-l * --selector * -A --all-namespaces -f * --filename * -R --recursive "
    output = "-o * --output * --no-headers --sort-by * "
    verbs = {
        "get": selecting + output + "-w --watch --watch-only --output-watch-events "
        "--field-selector * --show-labels -L * --label-columns * --show-kind --chunk-size * "
        "--ignore-not-found --raw * -k * --kustomize * --subresource * --server-print "
        "--template * --allow-missing-template-keys --show-managed-fields",
        "describe": selecting + "--show-events --chunk-size *",
        "logs": "-f --follow -p --previous -c * --container * --all-containers --since * "
        "--since-time * --tail * --timestamps --prefix -l * --selector * --max-log-requests * "
        "--limit-bytes * --pod-running-timeout * --ignore-errors",
        "top": "--containers -l * --selector * -A --all-namespaces --sort-by * --no-headers "
        "--use-protocol-buffers --sum",
        "events": output + "--for * -A --all-namespaces --types * -w --watch --chunk-size *",
        "explain": "--recursive --api-version * -o * --output *",
        "api-resources": output + "--namespaced * --verbs * --api-group * --cached",
        "api-versions": "",
        "version": "--client -o * --output *",
        "cluster-info": "",
        "cluster-info dump": "-A --all-namespaces --namespaces * -o * --output *",
        "diff": selecting + "-k * --kustomize * --server-side",
        "wait": selecting + "--for * --timeout * --all --field-selector *",
        "rollout status": "--timeout * -w --watch --revision *",
        "rollout history": "--revision * -o * --output *",
        "auth can-i": "--list --no-headers -A --all-namespaces --subresource *",
        "auth whoami": "-o * --output *",
        "config view": "--raw --minify --flatten -o * --output *",
        "config current-context": "",
        "config get-contexts": "-o * --output * --no-headers",
        "config get-clusters": "",
        "config get-users": "",
    }
    for verb, flags in verbs.items():
        out |= _read(f"kubectl {verb}", flags)
    writes = (
        "apply create delete replace patch edit scale autoscale set annotate label taint drain "
        "cordon uncordon expose run exec cp debug attach port-forward proxy"
    )
    out |= {f"kubectl {verb}": MUTATING for verb in writes.split()}
    for sub in ("undo", "restart", "pause", "resume"):
        out[f"kubectl rollout {sub}"] = MUTATING
    return out


def _git() -> dict[str, str]:
    out = _read("git", "-C * --git-dir * --work-tree * --no-pager -P")
    del out["git"]
    color = "--color --color=* --no-color "
    pretty = "--format * --format=* --pretty * --pretty=* --oneline --abbrev-commit "
    verbs = {
        "status": "-s --short -b --branch --porcelain --porcelain=* -u --untracked-files=* "
        "--ignored --long -v",
        "log": color + pretty + "-n * --max-count * -# --since * --after * --until * "
        "--before * --author * --committer * --grep * -i --graph --decorate --decorate=* --all "
        "--branches --tags --remotes -p --patch --stat --shortstat --name-only --name-status "
        "--no-merges --merges --first-parent --reverse -S * -G * --follow --date * "
        "--left-right --cherry-pick",
        "show": color + pretty + "--stat --name-only --name-status -s --no-patch -q --quiet",
        "diff": color + "--stat --shortstat --numstat --name-only --name-status --cached "
        "--staged -U * --unified=* --word-diff --word-diff=* --exit-code --quiet -w "
        "--ignore-all-space -b -R --no-ext-diff --no-textconv --diff-filter=* -M -C",
        "rev-parse": "--short --short=* --abbrev-ref --verify -q --quiet --show-toplevel "
        "--git-dir --is-inside-work-tree --symbolic-full-name",
        "ls-remote": "--heads --tags --refs -q --quiet --exit-code -h --sort=*",
        "fetch": "--all --prune -p --tags --no-tags -q --quiet -v --verbose --dry-run "
        "--depth * --unshallow --prune-tags",
        "describe": "--tags --always --abbrev=* --dirty --long --exact-match --all --contains",
        "blame": "-L * -w -e -s -l --porcelain --line-porcelain -M -C --date *",
    }
    for verb, flags in verbs.items():
        out |= _read(f"git {verb}", flags)
    writes = (
        "push commit checkout switch reset merge rebase tag cherry-pick revert clean stash "
        "pull branch"
    )
    out |= {f"git {verb}": MUTATING for verb in writes.split()}
    for verb in ("log", "show", "diff"):  # --output=FILE writes the file
        out[f"git {verb} --output"] = MUTATING
    return out


def _helm() -> dict[str, str]:
    out = _read("helm", "-n * --namespace * --kube-context * --kubeconfig * --debug")
    del out["helm"]
    output = "-o * --output * "
    values = "-f * --values * --set * --set-string * "
    listing = (
        output + "-a --all -A --all-namespaces -q --short -d --date -r --reverse -m * --max * "
        "--offset * --filter * -l * --selector * --deployed --failed --pending --superseded "
        "--uninstalled --uninstalling --no-headers --time-format *"
    )
    verbs = {
        "list": listing,
        "ls": listing,
        "status": output + "--revision * --show-desc --show-resources",
        "get": output + "--revision * -a --all --template *",
        "history": output + "--max *",
        "show": "--version * --repo * --devel --jsonpath *",
        "template": values + "--version * --repo * --include-crds --skip-crds --skip-tests "
        "--kube-version * --api-versions * --show-only * -s * --is-upgrade --name-template * "
        "--devel",
        "lint": values + "--strict --quiet",
        "search": output + "--version * -l --versions --regexp * --devel --max-col-width *",
        "version": "--short --template * -c --client",
        "env": "",
        "repo list": output,
        "plugin list": "",
    }
    for verb, flags in verbs.items():
        out |= _read(f"helm {verb}", flags)
    writes = "install upgrade uninstall delete rollback repo plugin"
    out |= {f"helm {verb}": MUTATING for verb in writes.split()}
    return out


def _docker() -> dict[str, str]:
    out = _read("docker", "-H * --host * --context * --config * -D --debug -l * --log-level *")
    del out["docker"]
    fmt = "-f * --format * "
    verbs = {
        "ps": fmt + "-a --all -q --quiet --filter * -n * --last * -l --latest --no-trunc -s --size",
        "images": fmt + "-a --all -q --quiet --filter * --digests --no-trunc",
        "logs": "-f --follow --tail * -n * --since * --until * -t --timestamps --details",
        "inspect": fmt + "-s --size --type *",
        "version": fmt,
        "info": fmt,
        "stats": "--no-stream -a --all --format * --no-trunc",
        "top": "",
    }
    for verb, flags in verbs.items():
        out |= _read(f"docker {verb}", flags)
    return out


def _curl() -> dict[str, str]:
    out = _read(
        "curl",
        "-s --silent -S --show-error -f --fail --fail-with-body -L --location -k --insecure "
        "-v --verbose -i --include -I --head -G --get -m * --max-time * --connect-timeout * "
        "-H * --header * -u * --user * -w * --write-out * -A * --user-agent * -e * --referer * "
        "--compressed -4 --ipv4 -6 --ipv6 --retry * --retry-delay * --retry-max-time * "
        "--retry-all-errors --cacert * --capath * --cert * -E * --key * --resolve * "
        "--connect-to * --http1.0 --http1.1 --http2 --http3 -x * --proxy * --noproxy * "
        "--unix-socket * -r * --range * -N --no-buffer -n --netrc --oauth2-bearer * --url * "
        "--max-redirs * -# --progress-bar --no-progress-meter -b * --cookie * --raw "
        "--no-keepalive --path-as-is --digest --basic --negotiate --ntlm --anyauth",
    )
    out |= _values("curl", "-X --request", ("GET", "HEAD"))
    out |= _values("curl", "-o --output -D --dump-header", STREAMS)
    return out | _flags(
        "curl",
        "-X --request -d --data --data-raw --data-binary --data-urlencode --data-ascii --json "
        "-F --form --form-string -T --upload-file -o --output -O --remote-name "
        "--remote-name-all -J --remote-header-name -D --dump-header -c --cookie-jar "
        "--output-dir --create-dirs --trace --trace-ascii --libcurl --stderr",
        MUTATING,
    )


def _text_tools() -> dict[str, str]:
    grep = (
        "-E -F -G -P -i -y -v -c -l -L -n -h -H -o -q -s -w -x -r -R -z -Z -a -I -U -b -T -# "
        "-e * -f * -m * -A * -B * -C * -d * -D * --regexp * --file * --max-count * "
        "--after-context * --before-context * --context * --color --colour --color=* "
        "--colour=* --include * --exclude * --exclude-dir * --extended-regexp --fixed-strings "
        "--basic-regexp --perl-regexp --ignore-case --no-ignore-case --invert-match --count "
        "--files-with-matches --files-without-match --line-number --no-filename "
        "--with-filename --only-matching --quiet --silent --word-regexp --line-regexp "
        "--recursive --dereference-recursive --text --binary-files * --label * --line-buffered "
        "--no-messages --null --null-data --directories * --devices *"
    )
    awk = (
        "-F * --field-separator * -v * --assign * --posix --re-interval --sandbox -S -b "
        "--characters-as-bytes -c --traditional"
    )
    lines = "-n * --lines * -c * --bytes * -q -v --quiet --silent --verbose -z -# "
    yq = (
        "-r -o * --output-format * -p * --input-format * -e --exit-status -P --prettyPrint "
        "-C --colors -M --no-colors -I * --indent * -N --no-doc"
    )
    tools = {
        **{name: grep for name in ("grep", "egrep", "fgrep")},
        **{name: awk for name in ("awk", "gawk", "mawk")},
        "sed": "-n --quiet --silent -E -r --regexp-extended -e * --expression * -s --separate "
        "-u --unbuffered -z --null-data --posix --debug --sandbox -l * --line-length *",
        "cat": "-n -b -A -e -E -s -t -T -v -u --number --number-nonblank --show-all "
        "--squeeze-blank --show-ends --show-tabs",
        "head": lines,
        "tail": lines + "-f --follow --follow=* -F --retry -s * --sleep-interval * --pid *",
        "sort": "-n -r -k * --key * -t * --field-separator * -u --unique -h "
        "--human-numeric-sort -V --version-sort -f --ignore-case -b --ignore-leading-blanks "
        "-s --stable -g --general-numeric-sort -M --month-sort -R --random-sort -z -c --check "
        "--check=* -C -m --merge -d --dictionary-order --numeric-sort --reverse --parallel * "
        "-S * --buffer-size * -T * --temporary-directory *",
        "uniq": "-c --count -d --repeated -u --unique -i --ignore-case -f * --skip-fields * "
        "-s * --skip-chars * -w * --check-chars * -z -D --all-repeated --all-repeated=* "
        "--group --group=*",
        "wc": "-l -c -w -m -L --lines --bytes --words --chars --max-line-length",
        "cut": "-d * --delimiter * -f * --fields * -c * --characters * -b * --bytes * -s "
        "--only-delimited --complement --output-delimiter * -z",
        "tr": "-d -s -c -C -t --delete --squeeze-repeats --complement --truncate-set1",
        "jq": "-r --raw-output --raw-output0 -j --join-output -c --compact-output -e "
        "--exit-status -s --slurp -n --null-input -S --sort-keys -a --ascii-output -C "
        "--color-output -M --monochrome-output -R --raw-input --tab --indent * --arg * * "
        "--argjson * * --slurpfile * * --rawfile * * --args --jsonargs --seq --stream "
        "-f * --from-file *",
        "yq": yq,
        "yq e": yq,
        "yq eval": yq,
        "yq ea": yq,
        "yq eval-all": yq,
        "date": "-u --utc --universal -R --rfc-email -I -I=* --iso-8601 --iso-8601=* "
        "--rfc-3339 * -d * --date * -r * --reference * -f * --file *",
        "tee": "-a --append -i --ignore-interrupts -p",
        "column": "-t --table -s * --separator * -o * --output-separator * -n -c * -x -N * -R * -J",
        "hostname": "-f --fqdn -s --short -i --ip-address -I --all-ip-addresses -d --domain "
        "-A --all-fqdns",
        "base64": "-d --decode -w * --wrap * -i --ignore-garbage",
        "sha256sum": "-c --check -b --binary -t --text --tag --status --quiet -z --strict -w "
        "--warn",
        "find": "-H -L -P -name * -iname * -path * -ipath * -wholename * -iwholename * "
        "-regex * -iregex * -regextype * -type * -xtype * -mtime * -mmin * -atime * -amin * "
        "-ctime * -cmin * -newer * -newermt * -newerct * -newerat * -size * -user * -group * "
        "-uid * -gid * -perm * -maxdepth * -mindepth * -print -print0 -printf * -ls -prune "
        "-empty -readable -writable -executable -follow -xdev -mount -depth -daystart "
        "-links * -inum * -samefile * -nouser -nogroup -true -false -not -a -and -o -or -quit "
        "-noleaf -lname * -ilname * -fstype * -used *",
        "wget": "-q --quiet -S --server-response -T * --timeout * -t * --tries * --header * "
        "-U * --user-agent * --no-check-certificate --user * --password * --max-redirect * "
        "--spider -nv --no-verbose --no-hsts -4 -6",
    }
    out: dict[str, str] = {}
    for tool, flags in tools.items():
        out |= _read(tool, flags)
    out |= _values("wget", "-O --output-document", ("-", "/dev/null"))
    mutating = {
        "sed": "-i --in-place",
        "find": "-delete -exec -execdir -ok -okdir -fprint -fprint0 -fprintf -fls",
        "sort": "-o --output",
        "date": "-s --set",
        "yq": "-i --inplace",
        "wget": "-O --output-document",
    }
    for tool, flags in mutating.items():
        out |= _flags(tool, flags, MUTATING)
    return out


# Tools whose words are all text they read or print, or shell state (variables, the
# working directory): any word is understood.
_ANY_WORDS = (
    "echo printf true false : test [ [[ (( sleep pwd cd export local declare typeset readonly "
    "unset ls basename dirname printenv whoami id uname dig nslookup ping"
)

# The programs that run the command after them: their own flags (the command they run
# decides the verdict, see commandclass.py).
_WRAPPER_FLAGS = {
    "sudo": "-n --non-interactive -E --preserve-env -H -u * --user * -g * --group *",
    "timeout": "-s * --signal * -k * --kill-after * --preserve-status --foreground -v --verbose",
    "nice": "-n * --adjustment * -#",
    "time": "-p",
    "env": "-i --ignore-environment -u * --unset * -0 --null",
    "command": "-p -v -V",
    "exec": "-c -l -a *",
    "xargs": "-0 --null -r --no-run-if-empty -I * -n * --max-args * -P * --max-procs * -d * "
    "--delimiter * -L * --max-lines * -t --verbose -x --exit -s * --max-chars *",
    "watch": "-n * --interval * -d --differences --differences=* -t --no-title -b --beep -e "
    "--errexit -g --chgexit -c --color -x --exec -w --no-wrap -p --precise",
}


def _wrappers() -> dict[str, str]:
    out: dict[str, str] = {}
    for tool, flags in _WRAPPER_FLAGS.items():
        out |= _read(tool, flags)
        del out[tool]  # a wrapper alone decides nothing
    return out


DEFAULT_CLASSES: dict[str, str] = {
    **{f"{tool} ...": READ_ONLY for tool in _ANY_WORDS.split()},
    **_text_tools(),
    **_kubectl(),
    **_git(),
    **_helm(),
    **_docker(),
    **_curl(),
    **_wrappers(),
    "env": READ_ONLY,  # alone it prints the environment
    "mkdir": MUTATING,
    "mktemp": MUTATING,
}
