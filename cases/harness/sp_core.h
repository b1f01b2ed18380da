/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The harness core: drive one adapter, run the probe inside, look at it from outside, plant and
 * check canaries, and leave nothing behind.  No ATF in here: it returns a structured verdict, so
 * the hostile-adapter self-tests can assert on it and tools can reuse it.  sp.h is the thin ATF
 * layer that property cases use.  docs/HARNESS.md explains both.
 */
#ifndef SP_CORE_H
#define SP_CORE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SP_OUTPUT_CAP (1024 * 1024) /* bytes of adapter stdout kept; more is a broken adapter */
#define SP_RUN_TIMEOUT_MS 20000     /* one adapter run; well under the cases' 60 s timeout */
#define SP_DESCRIBE_TIMEOUT_MS 10000
#define SP_MAX_VERBS 32

/* The namespaces the harness compares, in this order everywhere (host, outside view). */
enum sp_ns {
	SP_NS_USER,
	SP_NS_MNT,
	SP_NS_PID,
	SP_NS_UTS,
	SP_NS_IPC,
	SP_NS_NET,
	SP_NS_CGROUP,
	SP_NS_TIME,
	SP_NS__COUNT
};
const char *sp_ns_name(enum sp_ns ns); /* "user", "mnt", ... (as in /proc/PID/ns/) */
int sp_ns_from_name(const char *name); /* enum sp_ns, or -1 */

/* Canaries a case can ask for (bit set); only these are planted, and all are removed after. */
enum sp_canary {
	SP_CANARY_FILE = 1u << 0,     /* a file in a host directory no adapter exposes */
	SP_CANARY_TMP = 1u << 1,      /* a file in the host's /tmp */
	SP_CANARY_ABSTRACT = 1u << 2, /* a listening abstract unix socket */
	SP_CANARY_TCP = 1u << 3,      /* a listening loopback TCP port */
	SP_CANARY_SYSV = 1u << 4,     /* a SysV message queue key */
	SP_CANARY_KEY = 1u << 5,      /* a user key in the caller's session keyring */
	SP_CANARY_ENV = 1u << 6,      /* a variable in the adapter's starting environment */
	SP_CANARY_PID = 1u << 7,      /* a sleeping process that counts the signals it receives */
	SP_CANARY_MQUEUE = 1u << 8,   /* a POSIX message queue */
	SP_CANARY_LOCKED = 1u << 9,   /* a file of host root, mode 0600, in the probe directory */
};
#define SP_CANARY__COUNT 10
const char *sp_canary_name(unsigned kind_bit); /* "file", "tmp", ... (the probe's canary:KIND) */

/* Where and how to run: filled from kyua variables by sp.h, or by hand. */
struct sp_config {
	char adapter[PATH_MAX];  /* executable adapter */
	char adapter_label[128]; /* as configured ("ref", or the path) */
	char probe[PATH_MAX];    /* the built sp-probe */
	char rundir_base[256];   /* parent of the per-run directory; default /var/tmp */
	int run_timeout_ms;      /* 0: SP_RUN_TIMEOUT_MS */
	int describe_timeout_ms; /* 0: SP_DESCRIBE_TIMEOUT_MS */
};

/* What `ADAPTER describe` said. */
struct sp_description {
	char name[64];
	char version[128];
	char installed[16]; /* "yes", "no", or "" when the adapter does not say */
	char modes[64];
	char claims[512];
	char exposes[1024];
	char caps_keep[512]; /* capabilities the sandbox keeps on purpose (names), or "" */
};

struct sp_run;

/* Called while the probe is alive: at each `sync` verb, and at `end` (N = 0) while it holds. */
typedef int sp_hook_fn(struct sp_run *r, unsigned n, void *arg);

struct sp_opts {
	const char *verbs[SP_MAX_VERBS + 1]; /* probe verbs, NULL-terminated; `hold` is added */
	unsigned canaries;                   /* enum sp_canary bits */
	sp_hook_fn *hook;                    /* optional */
	void *hook_arg;
	int timeout_ms; /* 0: the config's */
	/* Lifecycle cases kill or signal the adapter from the hook: then an exit other than the
	 * probe's 0/77 after a complete report is not BROKEN (r->wstatus tells what happened). */
	bool any_exit;
	/* The adapter's stdin is a new pseudo-terminal, the controlling terminal of the adapter's
	 * session (as an interactive shell's); the probe gets `tty=1` and r->tty_out collects
	 * what the terminal echoed, so input pushed with TIOCSTI shows (CVE-2017-5226).  Hold ends
	 * when the harness closes the master. */
	bool stdin_tty;
	/* Also PROBEDIR/fcaps/sp-probe (every capability permitted by security.capability; as a
	 * user set from a user namespace of its own, so rooted at the user's uid) and, as root,
	 * PROBEDIR/setuid/sp-probe (root-owned, mode 4755), for the probe's `exec-privs`.  Such a
	 * copy runs only its `privs` report when started with privileges. */
	bool privileged_copies;
	/* `ADAPTER join` instead of `run`: the probe joins the sandbox of JOIN, a run whose probe
	 * is holding (call from its hook).  No run directory or canary of its own: the probe is
	 * JOIN's copy, and the adapter finds the sandbox through JOIN's $SANDPROOF_STATE_DIR. */
	const struct sp_run *join;
};

enum sp_verdict {
	SP_VERDICT_OK,           /* the probe ran and reported; the case judges its keys */
	SP_VERDICT_SETUP_FAILED, /* the adapter exited 125: the sandbox could not be set up */
	SP_VERDICT_BROKEN, /* the adapter misbehaved: hung, flooded, lied, left processes... */
};

struct sp_kv {
	const char *key;
	const char *value;
};

/* The live probe seen from the host (/proc/PID/...), taken while it holds. */
struct sp_outside {
	bool seen;         /* the probe was found and inspected */
	char why_not[256]; /* when not seen */
	pid_t pid;         /* host pid */
	unsigned long ns[SP_NS__COUNT];
	char status[8192];  /* /proc/PID/status */
	char uid_map[1024]; /* lines joined by ';', blanks squeezed (as the probe's maps.*) */
	char gid_map[1024];
	char setgroups[32];
	char root_id[64];     /* "MAJ:MIN:INO" of /proc/PID/root, or "" when unreadable */
	char cwd[PATH_MAX];   /* readlink /proc/PID/cwd */
	char fds[8192];       /* "N=target;..." from /proc/PID/fd */
	char *mountinfo;      /* /proc/PID/mountinfo (heap) */
	char *host_mountinfo; /* the host's (harness's) mountinfo at the same moment (heap) */
};

/* The host's reference values, taken before the run. */
struct sp_host {
	unsigned long ns[SP_NS__COUNT];
	char root_id[64];
	char hostname[256];
};

/* One canary's fate: planted?, reached from inside (the probe's word), touched (outside view). */
struct sp_canary_state {
	bool planted;
	char why_not[256]; /* planting failed: "CODE: WHY" */
	bool touched;      /* changed, connected to, signalled, ... (seen from outside) */
	char detail[256];  /* what was seen from outside */
};

struct sp_canaries {
	struct sp_canary_state st[SP_CANARY__COUNT];
	char file[384], file_id[64];
	char file_handle[300]; /* "TYPE:HEX" from name_to_handle_at, or "" */
	char tmp[128], tmp_id[64];
	char locked[384], locked_id[64];
	char abstract[108];
	int abstract_fd, tcp_fd;
	unsigned tcp_port;
	int sysv_key, sysv_id;
	char key_desc[64];
	long key_serial;
	char env_name[64];
	char mqueue[64]; /* "/sandproof-canary-NONCE" */
	int mqueue_fd;   /* mqd_t, -1 when not planted */
	pid_t pid;
	volatile unsigned *pid_counts; /* shared page: [0] ready, [1] signals received */
	long long file_before[3], tmp_before[3], locked_before[3]; /* size, mtime, ctime (ns) */
};

struct sp_run {
	char nonce[33];
	enum sp_verdict verdict;
	char reason[2048]; /* for SETUP_FAILED and BROKEN: what happened, in words */

	/* the adapter process */
	pid_t adapter_pid; /* valid while hooks run (lifecycle cases signal or kill it) */
	int wstatus;
	bool exited, timed_out, output_capped;
	char *out; /* adapter stdout, NUL-terminated; parsed in place (heap, SP_OUTPUT_CAP + 1) */
	size_t out_len;
	char err[16384]; /* adapter stderr (first 16 KiB) */
	size_t err_len;
	char tty_out[4096];   /* with opts.stdin_tty: what the terminal echoed */
	char leftovers[1024]; /* processes killed after the adapter exited, in words */
	unsigned n_leftovers;

	/* the probe's report */
	bool header_ok, end_seen;
	int probe_exit; /* the adapter's exit code when it exited, else -1 */
	struct sp_kv *kv;
	size_t n_kv;

	char rundir[320];   /* RUNDIR = BASE/sandproof-NONCE: removed afterwards */
	char probedir[352]; /* RUNDIR/probe = $SANDPROOF_PROBE_DIR */
	char statedir[352]; /* RUNDIR/state = $SANDPROOF_STATE_DIR (mode 0700, the adapter's) */
	struct sp_host host;
	struct sp_outside outside;
	struct sp_canaries canary;
	unsigned syncs; /* sync points passed */
	const struct sp_opts *opts;
};

/* Run `ADAPTER describe` with the same guards as a run; 0, or -1 with a reason in err. */
int sp_describe(const struct sp_config *c, struct sp_description *d, char *err, size_t errsize);
/* Is GROUP in the space-separated list LIST ("claims", "modes")? */
bool sp_word_in(const char *list, const char *word);

/*
 * Run the probe through the adapter.  Always fills *r (call sp_run_free after).  Returns 0 when
 * the run happened (judge r->verdict), or -1 when the harness itself could not prepare it
 * (r->reason says why; canaries that could not be planted say so in r->canary.st[i].why_not).
 */
int sp_run(const struct sp_config *c, const struct sp_opts *o, struct sp_run *r);
void sp_run_free(struct sp_run *r);

/* The probe's value for KEY ("ids.uid", "statfs:/tmp.type"), or NULL. */
const char *sp_get(const struct sp_run *r, const char *key);
/* KEY's value for messages: the value, or "(absent)", or "(absent: VERB.cannot=...)". */
const char *sp_show(const struct sp_run *r, const char *key, char *buf, size_t size);
bool sp_is(const struct sp_run *r, const char *key, const char *value);
/* A field of the outside view's /proc/PID/status ("CapEff", "NSpid"), or NULL. */
const char *sp_outside_status(const struct sp_run *r, const char *field, char *buf, size_t size);
/* With opts.stdin_tty: did input the probe pushed with TIOCSTI reach the terminal? */
bool sp_tty_injected(const struct sp_run *r);
/* Did the host's mount table, taken while the probe held, show its `sp-NONCE` tmpfs? */
bool sp_host_has_probe_mount(const struct sp_run *r);
/* The canary state of KIND (an enum sp_canary bit). */
const struct sp_canary_state *sp_canary_state(const struct sp_run *r, unsigned kind_bit);

/* Copy the probe FROM to DIR/sp-probe, mode 0755.  0, or -errno. */
int sp_copy_probe(const char *from, const char *dir);
/* Write TEXT to the existing file PATH in one write (id maps, setgroups): did it all go? */
bool sp_write_file(const char *path, const char *text);

/*
 * The leftover guard, usable on its own: kill every descendant of this process (which the harness
 * makes a child subreaper, so daemonised children come back to it) except EXCLUDE, and every
 * process whose command line or environment carries NONCE.  With GRACE_MS > 0, first wait that
 * long for them to exit by themselves; only what is still there counts.  Returns how many were
 * killed and describes them in REPORT.
 */
unsigned sp_kill_leftovers(const char *nonce, pid_t exclude, int grace_ms, char *report,
			   size_t size);

/* Helpers shared by the harness files. */
ssize_t sp_slurp(const char *path, char *buf, size_t size);
const char *sp_file_id(const char *path, char *buf, size_t size);

#endif
