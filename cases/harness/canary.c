/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Canaries: things of the host a sandbox must keep out of reach.  Each has a name carrying the
 * run's nonce, so parallel cases never share one; each is checked from outside after the run
 * (changed? connected to? signalled?) and removed, whatever happened.
 */
#include "exec.h"
#include "features.h"
#include "view.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const kind_names[SP_CANARY__COUNT] = {
    "file", "tmp", "abstract", "tcp", "sysv", "key", "env", "pid", "mqueue", "locked"};

const char *
sp_canary_name(unsigned kind_bit)
{
	for (int i = 0; i < SP_CANARY__COUNT; i++)
		if (kind_bit == 1u << i)
			return kind_names[i];
	return "?";
}

static int
idx(unsigned kind_bit)
{
	for (int i = 0; i < SP_CANARY__COUNT; i++)
		if (kind_bit == 1u << i)
			return i;
	return 0;
}

const struct sp_canary_state *
sp_canary_state(const struct sp_run *r, unsigned kind_bit)
{
	return &r->canary.st[idx(kind_bit)];
}

static void
failed(struct sp_run *r, unsigned kind, const char *code, const char *what)
{
	struct sp_canary_state *s = &r->canary.st[idx(kind)];
	s->planted = false;
	snprintf(s->why_not, sizeof s->why_not, "%s: %s: %s", code, what, strerror(errno));
}

static void
stamp(const char *path, long long out[3])
{
	struct stat st;
	if (stat(path, &st) != 0) {
		out[0] = -1;
		return;
	}
	out[0] = st.st_size;
	out[1] = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	out[2] = st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
}

static bool
plant_file(struct sp_run *r, unsigned kind, const char *path, char *id, size_t idsize,
	   long long before[3])
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		      kind == SP_CANARY_LOCKED ? 0600 : 0644);
	if (fd < 0) {
		failed(r, kind, "canary-unavailable", path);
		return false;
	}
	dprintf(fd, "sandproof canary %s\n", r->nonce);
	close(fd);
	sp_file_id(path, id, idsize);
	stamp(path, before);
	r->canary.st[idx(kind)].planted = true;
	return true;
}

static void
check_file(struct sp_run *r, unsigned kind, const char *path, const long long before[3])
{
	struct sp_canary_state *s = &r->canary.st[idx(kind)];
	long long after[3];
	stamp(path, after);
	if (after[0] < 0) {
		s->touched = true;
		snprintf(s->detail, sizeof s->detail, "'%s' is gone", path);
	} else if (memcmp(before, after, sizeof after) != 0) {
		s->touched = true;
		snprintf(s->detail, sizeof s->detail, "'%s' was changed (size, mtime or ctime)",
			 path);
	}
	unlink(path);
}

static int
listen_on(struct sp_run *r, unsigned kind, int family, struct sockaddr *sa, socklen_t len)
{
	int s = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0 || bind(s, sa, len) != 0 || listen(s, 8) != 0) {
		failed(r, kind, "canary-unavailable", "listen");
		if (s >= 0)
			close(s);
		return -1;
	}
	r->canary.st[idx(kind)].planted = true;
	return s;
}

/* Anyone who connected left a connection in the backlog. */
static void
check_listener(struct sp_run *r, unsigned kind, int *fd)
{
	struct sp_canary_state *s = &r->canary.st[idx(kind)];
	int c = accept4(*fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c >= 0) {
		s->touched = true;
		snprintf(s->detail, sizeof s->detail, "a connection arrived on the listener");
		close(c);
	}
	close(*fd);
	*fd = -1;
}

static volatile unsigned *counts_page;

static void
count_signal(int sig)
{
	(void)sig;
	__atomic_add_fetch(&counts_page[1], 1, __ATOMIC_SEQ_CST);
}

/* A forked sleeper counting every catchable signal it receives; it dies with the test. */
static void
plant_pid(struct sp_run *r)
{
	unsigned *page =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		failed(r, SP_CANARY_PID, "canary-unavailable", "mmap");
		return;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		failed(r, SP_CANARY_PID, "canary-unavailable", "fork");
		munmap(page, 4096);
		return;
	}
	if (pid == 0) {
		counts_page = page;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close_range(3, ~0U, 0);
		struct sigaction sa = {.sa_handler = count_signal};
		sigfillset(&sa.sa_mask);
		for (int s = 1; s < NSIG; s++)
			if (s != SIGKILL && s != SIGSTOP)
				sigaction(s, &sa, NULL);
		__atomic_store_n(&page[0], 1, __ATOMIC_SEQ_CST);
		for (;;)
			pause();
	}
	for (int i = 0; i < 200 && __atomic_load_n(&page[0], __ATOMIC_SEQ_CST) == 0; i++)
		usleep(5000);
	r->canary.pid = pid;
	r->canary.pid_counts = page;
	sp_exec_protect(pid, true);
	r->canary.st[idx(SP_CANARY_PID)].planted = true;
}

/* The file canary's handle, for the open_by_handle_at ("shocker") attempt. */
static void
file_handle(struct sp_canaries *c)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} u;
	int mount_id;
	u.fh.handle_bytes = MAX_HANDLE_SZ;
	c->file_handle[0] = '\0';
	if (name_to_handle_at(AT_FDCWD, c->file, &u.fh, &mount_id, 0) != 0)
		return;
	size_t o = (size_t)snprintf(c->file_handle, sizeof c->file_handle, "%d:", u.fh.handle_type);
	for (unsigned i = 0; i < u.fh.handle_bytes && o + 3 < sizeof c->file_handle; i++)
		o += (size_t)snprintf(c->file_handle + o, sizeof c->file_handle - o, "%02x",
				      u.fh.f_handle[i]);
}

void
sp_canaries_plant(struct sp_run *r, unsigned kinds)
{
	struct sp_canaries *c = &r->canary;
	c->abstract_fd = c->tcp_fd = c->sysv_id = -1;
	c->key_serial = -1;
	c->mqueue_fd = -1;
	if (kinds & SP_CANARY_FILE) {
		/* RUNDIR/canary/file: a sibling of the probe directory, which is all adapters bind.
		 */
		char dir[352];
		snprintf(dir, sizeof dir, "%s/canary", r->rundir);
		snprintf(c->file, sizeof c->file, "%s/file", dir);
		if (mkdir(dir, 0755) != 0)
			failed(r, SP_CANARY_FILE, "canary-unavailable", dir);
		else if (plant_file(r, SP_CANARY_FILE, c->file, c->file_id, sizeof c->file_id,
				    c->file_before))
			file_handle(c);
	}
	if (kinds & SP_CANARY_LOCKED) {
		/* PROBEDIR/locked: visible wherever the probe is, owned by host root (the harness's
		 * uid, so only a harness run as root of the initial user namespace can plant it;
		 * root of another one, as under `make restricted`, would plant a file of the uid it
		 * maps to), readable by no one else. */
		snprintf(c->locked, sizeof c->locked, "%s/locked", r->probedir);
		struct sp_feature_status root;
		sp_feature_check(SP_FEAT_ROOT, &root);
		if (!root.available) {
			errno = EPERM;
			char why[320];
			snprintf(why, sizeof why,
				 "a file of host root needs a harness run as root: %s", root.why);
			failed(r, SP_CANARY_LOCKED, "canary-unavailable", why);
		} else {
			plant_file(r, SP_CANARY_LOCKED, c->locked, c->locked_id,
				   sizeof c->locked_id, c->locked_before);
		}
	}
	if (kinds & SP_CANARY_TMP) {
		snprintf(c->tmp, sizeof c->tmp, "/tmp/sandproof-canary-%s", r->nonce);
		plant_file(r, SP_CANARY_TMP, c->tmp, c->tmp_id, sizeof c->tmp_id, c->tmp_before);
	}
	if (kinds & SP_CANARY_ABSTRACT) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		snprintf(c->abstract, sizeof c->abstract, "sandproof-canary-%s", r->nonce);
		memcpy(sa.sun_path + 1, c->abstract, strlen(c->abstract));
		c->abstract_fd = listen_on(
		    r, SP_CANARY_ABSTRACT, AF_UNIX, (struct sockaddr *)&sa,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(c->abstract)));
	}
	if (kinds & SP_CANARY_TCP) {
		struct sockaddr_in sa = {.sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		socklen_t len = sizeof sa;
		c->tcp_fd = listen_on(r, SP_CANARY_TCP, AF_INET, (struct sockaddr *)&sa, sizeof sa);
		if (c->tcp_fd >= 0 && getsockname(c->tcp_fd, (struct sockaddr *)&sa, &len) == 0)
			c->tcp_port = ntohs(sa.sin_port);
	}
	if (kinds & SP_CANARY_SYSV) {
		for (int tries = 0; tries < 16 && c->sysv_id < 0; tries++) {
			unsigned key;
			if (getrandom(&key, sizeof key, 0) != sizeof key)
				break;
			c->sysv_key = (int)(key & 0x7fffffff) | 0x10000;
			c->sysv_id = msgget(c->sysv_key, IPC_CREAT | IPC_EXCL | 0600);
		}
		if (c->sysv_id < 0)
			failed(r, SP_CANARY_SYSV, "sysv-ipc-unavailable", "msgget");
		else
			r->canary.st[idx(SP_CANARY_SYSV)].planted = true;
	}
	if (kinds & SP_CANARY_KEY) {
		/* A session keyring of this test process's own (kyua runs each case in a fresh
		 * process), inherited by the adapter: the key a sandbox must not let through. */
		snprintf(c->key_desc, sizeof c->key_desc, "sandproof-canary-%s", r->nonce);
		if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 ||
		    (c->key_serial = syscall(SYS_add_key, "user", c->key_desc, r->nonce,
					     strlen(r->nonce), KEY_SPEC_SESSION_KEYRING)) < 0)
			failed(r, SP_CANARY_KEY, "keyring-unavailable", "add_key");
		else
			r->canary.st[idx(SP_CANARY_KEY)].planted = true;
	}
	if (kinds & SP_CANARY_ENV) {
		snprintf(c->env_name, sizeof c->env_name, "SANDPROOF_CANARY_%s", r->nonce);
		r->canary.st[idx(SP_CANARY_ENV)].planted = true;
	}
	if (kinds & SP_CANARY_PID)
		plant_pid(r);
	if (kinds & SP_CANARY_MQUEUE) {
		/* Found by name in the caller's ipc namespace (mq_overview(7)); a new ipc namespace
		 * has its own empty set of queues. */
		struct mq_attr a = {.mq_maxmsg = 1, .mq_msgsize = 16};
		snprintf(c->mqueue, sizeof c->mqueue, "/sandproof-canary-%s", r->nonce);
		c->mqueue_fd = mq_open(c->mqueue, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &a);
		if (c->mqueue_fd < 0)
			failed(r, SP_CANARY_MQUEUE, "posix-mqueue-unavailable", "mq_open");
		else
			r->canary.st[idx(SP_CANARY_MQUEUE)].planted = true;
	}
}

int
sp_canaries_args(const struct sp_run *r, char args[][512], int max)
{
	const struct sp_canaries *c = &r->canary;
	int n = 0;
#define ADD(...)                                                                                   \
	do {                                                                                       \
		if (n < max)                                                                       \
			snprintf(args[n++], 512, __VA_ARGS__);                                     \
	} while (0)
	if (c->st[idx(SP_CANARY_FILE)].planted) {
		ADD("canary.file=%s", c->file);
		ADD("canary.file.id=%s", c->file_id);
		if (c->file_handle[0])
			ADD("canary.file.handle=%s", c->file_handle);
	}
	if (c->st[idx(SP_CANARY_TMP)].planted) {
		ADD("canary.tmp=%s", c->tmp);
		ADD("canary.tmp.id=%s", c->tmp_id);
	}
	if (c->st[idx(SP_CANARY_LOCKED)].planted) {
		ADD("canary.locked=%s", c->locked);
		ADD("canary.locked.id=%s", c->locked_id);
	}
	if (c->st[idx(SP_CANARY_ABSTRACT)].planted)
		ADD("canary.abstract=%s", c->abstract);
	if (c->st[idx(SP_CANARY_TCP)].planted)
		ADD("canary.tcp=%u", c->tcp_port);
	if (c->st[idx(SP_CANARY_SYSV)].planted)
		ADD("canary.sysv=%d", c->sysv_key);
	if (c->st[idx(SP_CANARY_KEY)].planted)
		ADD("canary.key=%s", c->key_desc);
	if (c->st[idx(SP_CANARY_ENV)].planted)
		ADD("canary.env=%s", c->env_name);
	if (c->st[idx(SP_CANARY_PID)].planted)
		ADD("canary.pid=%d", (int)c->pid);
	if (c->st[idx(SP_CANARY_MQUEUE)].planted)
		ADD("canary.mqueue=%s", c->mqueue);
#undef ADD
	return n;
}

void
sp_canaries_check_and_remove(struct sp_run *r)
{
	struct sp_canaries *c = &r->canary;
	if (c->st[idx(SP_CANARY_FILE)].planted)
		check_file(r, SP_CANARY_FILE, c->file, c->file_before);
	if (c->st[idx(SP_CANARY_TMP)].planted)
		check_file(r, SP_CANARY_TMP, c->tmp, c->tmp_before);
	if (c->st[idx(SP_CANARY_LOCKED)].planted)
		check_file(r, SP_CANARY_LOCKED, c->locked, c->locked_before);
	if (c->abstract_fd >= 0)
		check_listener(r, SP_CANARY_ABSTRACT, &c->abstract_fd);
	if (c->tcp_fd >= 0)
		check_listener(r, SP_CANARY_TCP, &c->tcp_fd);
	if (c->sysv_id >= 0) {
		struct msqid_ds ds;
		struct sp_canary_state *s = &c->st[idx(SP_CANARY_SYSV)];
		if (msgctl(c->sysv_id, IPC_STAT, &ds) != 0) {
			s->touched = true;
			snprintf(s->detail, sizeof s->detail, "the queue is gone");
		} else if (ds.msg_qnum || ds.msg_lspid || ds.msg_lrpid) {
			s->touched = true;
			snprintf(s->detail, sizeof s->detail, "the queue was used (pid %d/%d)",
				 (int)ds.msg_lspid, (int)ds.msg_lrpid);
		}
		msgctl(c->sysv_id, IPC_RMID, NULL);
		c->sysv_id = -1;
	}
	if (c->mqueue_fd >= 0) {
		struct mq_attr a;
		struct sp_canary_state *s = &c->st[idx(SP_CANARY_MQUEUE)];
		if (mq_getattr(c->mqueue_fd, &a) == 0 && a.mq_curmsgs != 0) {
			s->touched = true;
			snprintf(s->detail, sizeof s->detail, "the queue holds %ld message(s)",
				 a.mq_curmsgs);
		}
		mq_close(c->mqueue_fd);
		mq_unlink(c->mqueue);
		c->mqueue_fd = -1;
	}
	if (c->key_serial >= 0) {
		char buf[64] = "";
		long n = syscall(SYS_keyctl, KEYCTL_READ, c->key_serial, buf, sizeof buf - 1);
		struct sp_canary_state *s = &c->st[idx(SP_CANARY_KEY)];
		if (n != (long)strlen(r->nonce) || memcmp(buf, r->nonce, (size_t)n) != 0) {
			s->touched = true;
			snprintf(s->detail, sizeof s->detail, "the key was changed or revoked");
		}
		syscall(SYS_keyctl, KEYCTL_INVALIDATE, c->key_serial);
		c->key_serial = -1;
	}
	if (c->pid > 0) {
		struct sp_canary_state *s = &c->st[idx(SP_CANARY_PID)];
		unsigned got = __atomic_load_n(&c->pid_counts[1], __ATOMIC_SEQ_CST);
		int st = 0;
		bool died = waitpid(c->pid, &st, WNOHANG) == c->pid;
		if (!died) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, &st, 0);
		}
		if (got) {
			s->touched = true;
			snprintf(s->detail, sizeof s->detail,
				 "the canary process received %u signal(s)", got);
		} else if (died) {
			s->touched = true;
			snprintf(s->detail, sizeof s->detail,
				 "the canary process was killed by signal %d", WTERMSIG(st));
		}
		munmap((void *)(uintptr_t)c->pid_counts, 4096);
		sp_exec_protect(c->pid, false);
		c->pid = 0;
	}
}
