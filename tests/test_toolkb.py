"""The tool knowledge base (compiler/runbookc/scripts/tools.toml) judged on a table of
commands as runbooks write them: each with the verdict a reader would give. The one rule
that must never break: a command that writes is never judged read-only."""

from __future__ import annotations

import pytest
from conftest import ROOT
from runbookc.config import ConfigError, load_settings
from runbookc.scripts.commandclass import classify
from runbookc.scripts.positionals import POSITIONAL_CHECKS
from runbookc.scripts.settings import script_settings
from runbookc.scripts.shellparse import parse_block
from runbookc.scripts.toolclasses import CHECKS, MUTATING, READ_ONLY, UNKNOWN, knowledge

CLASSES = script_settings(load_settings(str(ROOT / "pyproject.toml"))).command_classes
R, C, U = READ_ONLY, MUTATING, UNKNOWN

# (command, verdict): read-only, changes (mutating) or unknown (it asks before running).
TABLE: list[tuple[str, str]] = [
    # -- Ceph (ODF) and KubeVirt --
    ("ceph health detail", R),
    ("ceph osd pool ls detail", R),
    ("ceph osd pool get ocs-storagecluster-cephblockpool size", R),
    ("ceph daemon osd.0 dump_historic_ops", R),
    ("ceph osd pool set x size 2", C),
    ("ceph osd pool set-quota x max_bytes 100", C),
    ("ceph osd pool get-quota x", R),
    ("ceph tell osd.* injectargs --osd-max-backfills=1", C),
    ("ceph config set osd osd_max_backfills 1", C),
    ("ceph daemon osd.0 config set debug_osd 20", U),
    ("rados df", R),
    ("rados -p mypool ls", R),
    ("rados -p mypool rm obj", C),
    ("rbd ls -p mypool", R),
    ("rbd children --pool p img@snap", R),
    ("virtctl version", R),
    ("virtctl guestosinfo vm-1", R),
    ("virtctl stop vm-1", C),
    ("virtctl restart vm-1 -n ns", C),
    ("virtctl migrate vm-1", C),
    ("virtctl console vm-1", U),
    ("odf get health", R),
    ("odf get recovery-profile", R),
    ("odf subvolume ls --stale", R),
    ("odf cephfs-snap ls --orphaned --storage-client c1", R),
    ("odf ceph health detail", R),
    ("odf subvolume delete fs-1 sv-1 group-1", C),
    ("odf cephfs-snap delete sv-1 snap-1 --storage-client c1", C),
    ("odf purge-osd 0", C),
    ("odf maintenance start rook-ceph-osd-0", C),
    ("odf operator rook restart", C),
    ("odf set recovery-profile high_recovery_ops", C),
    ("odf ceph osd pool set p size 2", U),
    ("ocm list clusters", R),
    ("ocm list clusters --parameter search=\"name like 'x%'\"", R),
    ("ocm describe cluster 1a2b --json", R),
    ("ocm get /api/clusters_mgmt/v1/clusters/1a2b", R),
    ("ocm whoami", R),
    ("ocm post /api/clusters_mgmt/v1/clusters/1a2b/hibernate", C),
    ("ocm delete /api/clusters_mgmt/v1/clusters/1a2b", C),
    ("ocm patch /api/clusters_mgmt/v1/clusters/1a2b", C),
    ("ocm backplane login 1a2b", C),
    ("ocm backplane tunnel 1a2b", C),
    ("ocm config set url https://api.example", C),
    ("ocm frobnicate", U),
    ("ovs-appctl -t /var/run/ovn/ovnsb_db.ctl cluster/status OVN_Southbound", R),
    ("ovs-appctl --target=ovs-vswitchd dpif/show", R),
    ("ovs-appctl dpctl/dump-flows -m", R),
    ("ovs-appctl dpctl/dump-conntrack", R),
    ("ovs-appctl ofproto/trace br-int in_port=1", R),
    ("ovs-appctl ofproto/trace br-int in_port=1 -generate", U),
    ("ovs-appctl bond/show", R),
    ("ovs-appctl vlog/set dbg", C),
    ("ovs-appctl dpctl/del-flows", C),
    ("ovs-appctl dpctl/flush-conntrack", C),
    ("ovs-appctl fdb/flush br-ex", C),
    ("ovs-appctl -t ovs-vswitchd exit", C),
    ("ovn-appctl -t ovn-northd status", R),
    ("ovn-appctl -t ovn-controller connection-status", R),
    ("ovn-appctl -t ovn-controller ct-zone-list", R),
    ("ovn-appctl -t /var/run/ovn/ovnnb_db.ctl cluster/status OVN_Northbound", R),
    ("ovn-appctl -t ovn-northd exit", C),
    ("ovn-appctl -t ovn-controller recompute", C),
    ("ovn-appctl -t ovn-controller vlog/set file:dbg", C),
    ("ovn-appctl -t ovn-northd pause", C),
    # -- the shell itself: redirections, tee, heredocs --
    ("echo 1 > /tmp/out", C),
    ("echo 1 >> notes.txt", C),
    ("kubectl get pods &> all.log", C),
    ("kubectl get pods >| snap.txt", C),
    ("kubectl get pods 2> errors.log", C),
    ("kubectl get pods 3> fd3.log", C),
    ("kubectl get pods > /dev/null 2>&1", R),
    ("kubectl get pods 2>/dev/stderr", R),
    ("echo x >/dev/fd/2", R),
    ("kubectl get pods | tee pods.txt", C),
    ("kubectl get pods | tee -a /var/log/pods", C),
    ("kubectl get pods | tee /dev/null", R),
    ("echo 3 | tee /proc/sys/vm/drop_caches", C),
    ("cat > /etc/motd <<EOF\nhello\nEOF", C),
    ("cat <<EOF\nhello\nEOF", R),
    ("mkdir -p /etc/kubernetes/x", C),
    ("awk '{system(\"kubectl delete pod \" $1)}' pods.txt", U),
    ("awk '{print $1 > \"out.txt\"}' f", C),
    ("awk '{print $1 |& \"cat\"}' f", U),
    ("awk '{print $1}' f", R),
    ("xargs -I{} kubectl delete pod {}", C),
    ("xargs kubectl get pod", U),
    ("sh -c 'kubectl get pods'", R),
    ("bash -c 'rm -rf /tmp/x'", C),
    ('bash -c "$CMD"', U),
    ("eval 'kubectl delete ns x'", C),
    ('eval "$CMD"', U),
    ("watch kubectl get pods", R),
    ("watch -n 5 'kubectl delete pod x'", C),
    ("timeout 10 kubectl get pods", R),
    ("timeout 10 systemctl restart kubelet", C),
    ("nice -n 10 journalctl -u kubelet", R),
    ("sudo systemctl status kubelet", R),
    ("sudo rm -rf /var/lib/etcd/member", C),
    ("env LANG=C kubectl get pods", R),
    ("env", R),
    ("nohup kubectl get pods", U),
    ("NODE=$(oc get nodes -o name | head -n 1)", R),
    ("read -r NODE; exit 0", R),
    ("trap 'rm -f /tmp/x' EXIT", U),
    ("source ./env.sh", U),
    # -- coreutils and system tools --
    ("rm -rf /", C),
    ("rm -rf /var/lib/etcd/member", C),
    ("mv a b", C),
    ("cp /etc/a /etc/b", C),
    ("dd if=/dev/zero of=/dev/sda bs=1M", C),
    ("mkfs.ext4 /dev/sdb1", C),
    ("mkfs -t xfs /dev/sdb1", C),
    ("chmod 600 /etc/kubernetes/admin.conf", C),
    ("chown root:root /etc/x", C),
    ("kill -9 1234", C),
    ("pkill kubelet", C),
    ("killall -HUP haproxy", C),
    ("ln -s /a /b", C),
    ("touch /tmp/flag", C),
    ("truncate -s 0 /var/log/big.log", C),
    ("sysctl -w vm.drop_caches=3", C),
    ("sysctl vm.swappiness=10", C),
    ("sysctl -a", R),
    ("sysctl net.ipv4.ip_forward", R),
    ("iptables -L -n -v", R),
    ("iptables -t nat -S", R),
    ("iptables -A INPUT -p tcp --dport 22 -j ACCEPT", C),
    ("iptables -D INPUT 3", C),
    ("date -s '2024-01-01 00:00'", C),
    ("date +%s", R),
    ("sed -i s/a/b/ f", C),
    ("sed -i.bak s/a/b/ f", C),
    ("sed -Ei 's/a+/b/' f", C),
    ("sed --in-place s/a/b/ f", C),
    ("sed -ni 's/a/b/p' f", C),
    ("sed -n 's/a/b/p' f", R),
    ("perl -i -pe 's/a/b/' f", C),
    ("perl -pi.bak -e 's/a/b/' f", C),
    ("perl -ni -e 'print' f", C),
    ("perl -ne 'print if /x/' f", U),
    ("ps aux", R),
    ("df -h", R),
    ("free -m", R),
    ("hostname", R),
    ("hostname newname", C),
    ("ip addr show", R),
    ("ip -br a", R),
    ("ip route get 10.0.0.1", R),
    ("ip link set eth0 down", C),
    ("ip addr flush dev eth0", C),
    ("ip route frobnicate", U),
    ("ss -tlnp", R),
    ("dmesg -T", R),
    ("dmesg -C", C),
    ("mount", R),
    ("mount /dev/sdb1 /mnt", C),
    ("crontab -l", R),
    ("crontab -r", C),
    ("find /var/log -name '*.gz' -delete", C),
    ("find /var/log -mtime +7 -print", R),
    ("grep -r error /var/log", R),
    ("sort -o out.txt in.txt", C),
    ("uniq in.txt out.txt", C),
    # -- systemd --
    ("systemctl status kubelet", R),
    ("systemctl is-active crio", R),
    ("systemctl list-units --failed", R),
    ("systemctl", R),
    ("systemctl restart kubelet", C),
    ("systemctl stop crio", C),
    ("systemctl daemon-reload", C),
    ("systemctl frobnicate kubelet", U),
    ("journalctl -u kubelet --since '1 hour ago' --no-pager", R),
    ("journalctl -b -1 -p err", R),
    ("journalctl -f -u crio", R),
    ("journalctl --vacuum-size=500M", C),
    ("journalctl --rotate", C),
    # -- Kubernetes and OpenShift --
    ("kubectl get pods -A -o wide", R),
    ("kubectl get sc", R),
    ("kubectl describe node worker-1", R),
    ("kubectl logs -n x deploy/api --tail=50", R),
    ("kubectl top pods -A --sort-by=memory", R),
    ("kubectl delete pod x", C),
    ("kubectl -n x scale deploy/api --replicas=0", C),
    ("kubectl exec -it pod -- sh", U),
    ("kubectl exec pod -c app -- cat /etc/resolv.conf", R),
    ("kubectl exec pod -- rm -rf /data", C),
    ("kubectl exec pod -- sh -c 'ls /; df -h'", R),
    ("kubectl exec pod", U),
    ("oc exec -n openshift-etcd etcd-0 -- etcdctl endpoint status -w table", R),
    ("oc exec -n x pod -- etcdctl del /k", C),
    ("oc adm policy add-role-to-user admin x -z sa", C),
    ("oc sa new-token x", C),
    ("oc -n openshift-monitoring sa get-token prometheus-k8s", R),
    ("oc adm inspect clusteroperator/x --dest-dir=out", C),
    ("kubectl debug node/x -it --image=busybox", C),
    ("oc get pods -n openshift-monitoring", R),
    ("oc get clusterversion -o yaml", R),
    ("oc describe co/authentication", R),
    ("oc logs -n openshift-etcd etcd-master-0 -c etcd", R),
    ("oc adm top nodes", R),
    ("oc adm top pods -A", R),
    ("oc adm node-logs master-0 -u kubelet", R),
    ("oc adm upgrade", R),
    ("oc whoami", R),
    ("oc status", R),
    ("oc project", R),
    ("oc extract secret/x -n y --to=-", R),
    ("oc extract secret/x --to -", R),
    ("oc extract secret/x --to=/tmp/x", C),
    ("oc extract secret/x", C),
    ("oc patch co/x --type merge -p '{}'", C),
    ("oc adm drain node-1 --ignore-daemonsets", C),
    ("oc adm cordon node-1", C),
    ("oc adm must-gather", C),
    ("oc adm upgrade --to-latest", U),
    ("oc debug node/master-0", C),
    ("oc rsh pod/x", U),
    ("oc rsh -n openshift-etcd etcd-0 etcdctl endpoint health", R),
    ("oc rsh pod/x rm -rf /var/lib/x", C),
    ("oc project openshift-etcd", C),
    ("oc delete pod x", C),
    ("helm list -A", R),
    ("helm status api -n prod", R),
    ("helm get values api", R),
    ("helm diff upgrade api ./chart -f values.yaml", R),
    ("helm upgrade api ./chart", C),
    ("helm rollback api 3", C),
    ("helm uninstall api", C),
    # -- containers --
    ("docker ps -a", R),
    ("docker logs --tail 100 web", R),
    ("docker inspect web", R),
    ("docker rm -f web", C),
    ("docker restart web", C),
    ("docker system prune -af", C),
    ("podman ps", R),
    ("podman pod ps", R),
    ("podman rm x", C),
    ("nerdctl -n k8s.io ps -a", R),
    ("nerdctl rm x", C),
    ("crictl ps -a", R),
    ("crictl pods --name etcd", R),
    ("crictl logs --tail 20 abc123", R),
    ("crictl inspect abc123", R),
    ("crictl rmp -f abc123", C),
    ("crictl stop abc123", C),
    # -- etcd --
    ("etcdctl get /registry --prefix --keys-only", R),
    ("etcdctl member list -w table", R),
    ("etcdctl endpoint health --cluster", R),
    ("etcdctl del /registry/pods/x", C),
    ("etcdctl put /k v", C),
    ("etcdctl defrag", C),
    ("etcdctl snapshot save /tmp/snap.db", C),
    # -- clouds and infrastructure --
    ("aws s3 ls s3://bucket --recursive", R),
    ("aws ec2 describe-instances --instance-ids i-1", R),
    ("aws sts get-caller-identity", R),
    ("aws s3 rm s3://bucket/key", C),
    ("aws s3 cp f s3://bucket/", C),
    ("aws ec2 terminate-instances --instance-ids i-1", C),
    ("aws s3api get-object --bucket b --key k out.txt", C),
    ("aws ec2 frobnicate", U),
    ("gcloud compute instances list --project p", R),
    ("gcloud container clusters describe c --zone z", R),
    ("gcloud container clusters get-credentials c", C),
    ("gcloud compute instances delete vm-1", U),
    ("gcloud compute instances reset list", U),
    ("az aks show -g rg -n c", R),
    ("az vm list -o table", R),
    ("az vm restart -g rg -n vm", C),
    ("terraform plan", R),
    ("terraform plan -var-file=prod.tfvars", R),
    ("terraform show", R),
    ("terraform plan -out=tfplan", C),
    ("terraform apply -auto-approve", C),
    ("terraform destroy", C),
    ("terraform state rm aws_instance.x", C),
    # -- databases --
    ("psql -h db -U app -c 'select count(*) from pg_stat_activity'", R),
    ("psql -c '\\dt'", R),
    ("psql -c 'drop table users'", C),
    ("psql -c 'select pg_terminate_backend(123)'", C),
    ("psql -c 'select my_function()'", U),
    ("psql -h db", U),
    ("psql -f migrate.sql", U),
    ("mysql -e 'SHOW PROCESSLIST'", R),
    ("mysql -u root -e 'DELETE FROM sessions'", C),
    ("mysql -e 'KILL 42'", C),
    ("redis-cli info replication", R),
    ("redis-cli -h r -p 6379 INFO memory", R),
    ("redis-cli config get maxmemory", R),
    ("redis-cli FLUSHALL", C),
    ("redis-cli config set maxmemory 1gb", C),
    ("redis-cli del k", C),
    ("redis-cli frobnicate", U),
    # -- HTTP --
    ("curl -s https://x/healthz", R),
    ("curl -X GET https://x/healthz", R),
    ("curl --request=GET https://x", R),
    ("curl -XPOST https://x/reload", C),
    ("curl -sXPOST https://x/reload", C),
    ("curl --request=POST https://x", C),
    ("curl -X DELETE https://x/item", C),
    ("curl -d a=b https://x", C),
    ("curl --data-binary @f https://x", C),
    ("curl --json '{}' https://x", C),
    ("curl -T file https://x/upload", C),
    ("curl -F f=@x https://x", C),
    ("curl -o /dev/null -w '%{http_code}' https://x", R),
    ("curl --output=/dev/null https://x", R),
    ("curl -o page.html https://x", C),
    ("wget -qO- https://x", R),
    ("wget --spider https://x", R),
    ("wget https://x/file.tar.gz", C),
    ("wget --post-data 'a=b' -O- https://x", C),
    ("wget --method=DELETE -O- https://x", C),
    ("wget --method=GET -O- https://x", R),
    # -- git, promtool, misc --
    ("git status", R),
    ("git log --oneline -n 5", R),
    ("git remote -v", R),
    ("git remote prune origin", U),
    ("git push origin main", C),
    ("git reset --hard HEAD~1", C),
    ("promtool check rules rules.yaml", R),
    ("promtool check config prometheus.yml", R),
    ("promtool tsdb create-blocks-from openmetrics f d", C),
    ("ceph status", R),
    ("ceph -s", R),
    ("ceph osd tree", R),
    ("ceph osd out 3", C),
    ("ceph osd set noout", C),
    ("ceph tell osd.* injectargs --x", C),
    ("ceph frobnicate", U),
    ("jq -r '.items[].metadata.name' f.json", R),
]


def _verdict(command: str, classes=CLASSES) -> tuple[str, str]:
    """The block's verdict: a change if any command changes, else unknown if any is."""
    parsed = parse_block(command + "\n")
    assert parsed.error == "", (command, parsed.error)
    verdicts = [classify(c, classes) for u in parsed.units for c in u.commands]
    for wanted in (MUTATING, UNKNOWN):
        found = [v for v in verdicts if v[0] == wanted]
        if found:
            return found[0]
    return READ_ONLY, ""


def test_the_table_is_large_and_has_each_verdict() -> None:
    assert len(TABLE) >= 120
    assert len({c for c, _ in TABLE}) == len(TABLE)  # no command twice
    assert {v for _, v in TABLE} == {R, C, U}


@pytest.mark.parametrize(("command", "verdict"), TABLE, ids=[c for c, _ in TABLE])
def test_each_command_gets_its_verdict(command: str, verdict: str) -> None:
    assert _verdict(command)[0] == verdict, _verdict(command)


def test_no_command_that_writes_is_ever_judged_read_only() -> None:
    """The safety property over the whole table, and over every variant that a prefix,
    a pipeline or a list could hide a write in: a writer stays not read-only."""
    writers = [c for c, v in TABLE if v == C]
    wrapped = [
        f"{prefix}{command}"
        for command in writers
        if "\n" not in command
        for prefix in ("sudo ", "timeout 5 ", "nice ", "env LANG=C ", "command ")
    ]
    piped = [f"true | {c}" for c in writers] + [f"{c}; echo done" for c in writers]
    judged_read = [c for c in writers + wrapped + piped if _verdict(c)[0] == READ_ONLY]
    assert judged_read == []


def test_every_check_named_in_the_schema_is_implemented() -> None:
    assert set(POSITIONAL_CHECKS) == CHECKS


def test_the_packaged_knowledge_base_loads_and_names_only_known_checks() -> None:
    known = knowledge()
    assert {"kubectl", "oc", "helm", "etcdctl", "terraform", "redis-cli"} <= set(known.traits)
    assert known.patterns["oc get"] == READ_ONLY  # oc is like kubectl
    assert known.patterns["oc adm"] == MUTATING


def _classes(tmp_path, table: str):
    (tmp_path / "pyproject.toml").write_text(table, "utf-8")
    return script_settings(load_settings(str(tmp_path / "pyproject.toml"))).command_classes


def test_a_team_adds_and_overrides_tool_entries(tmp_path) -> None:
    classes = _classes(
        tmp_path,
        "[tool.runbookc.scripts.tools.mytool]\n"
        'flags = "--cluster *"\n'
        'read = { status = "--all", "" = "" }\n'
        'change = ["restart", "status --fix"]\n'
        "[tool.runbookc.scripts.tools.myoc]\n"
        'like = "oc"\n'
        'change = ["get"]\n'
        "[tool.runbookc.scripts.tools.systemctl]\n"
        'read = { restart = "" }\n',
    )
    assert _verdict("mytool --cluster a status --all", classes)[0] == R
    assert _verdict("mytool", classes)[0] == R
    assert _verdict("mytool status --fix", classes)[0] == C
    assert _verdict("mytool restart x", classes)[0] == C
    assert _verdict("mytool status --verbose", classes)[0] == U
    assert _verdict("myoc describe pod x", classes)[0] == R  # kubectl's verbs, through oc
    assert _verdict("myoc get pods", classes)[0] == C  # the team's verdict wins
    assert _verdict("systemctl restart x", classes)[0] == R  # a team may vouch for a verb
    assert _verdict("systemctl stop x", classes)[0] == C  # the rest of the entry stays


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('mytool = "x"', "tools.mytool must be a table"),
        ('mytool = { wrapper = "maybe" }', "tools.mytool.wrapper must be one of"),
        ('mytool = { check = { "" = "guess" } }', "'guess' is not one of"),
        ("mytool = { colour = 1 }", "unknown key 'colour'"),
        ('mytool = { runs = { exec = "after" } }', "'after' is not `--` or a number"),
        ('mytool = { like = "nosuchtool" }', "'nosuchtool' is not another known tool"),
        ('mytool = { change = "delete" }', "tools.mytool.change must be a list"),
        ('mytool = { read = { "get --all" = "" } }', "a key is a subcommand path"),
    ],
)
def test_a_bad_team_entry_is_a_config_error(tmp_path, entry: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(".", r"\.")):
        _classes(tmp_path, f"[tool.runbookc.scripts.tools]\n{entry}\n")
