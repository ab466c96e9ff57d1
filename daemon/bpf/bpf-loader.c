/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bpf-loader.c — the subflow skeleton's life cycle (pins, link, restart) and its maps. */

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#include "bpf-loader.h"
#include "bpf-util.h"
#include "cgroup-root.h"
#include "macro.h"
#include "subflow.h"
/* bpftool's generated code casts &obj->rodata to void **. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-aliasing"
#include "subflow.skel.h"
#pragma GCC diagnostic pop

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define TCP_STATE_CLOSE 7

/* The maps the object pins by name (LIBBPF_PIN_BY_NAME), for unpinning incompatible ones. */
static const char *const pinned_maps[] = {
        "subflow_params", "subflow_netns", "subflow_telem", "subflow_state", "subflow_stats",
};

struct BpfLoader {
        struct subflow_bpf *skel;
        struct bpf_link *link;
        char *pin_root;
        char *link_pin_path;
        char *cgroup_path;
        bool reused_maps;
        bool reused_link;
};

static char *path_join(const char *a, const char *b) {
        char *r;

        if (asprintf(&r, "%s/%s", a, b) < 0)
                return NULL;
        return r;
}

static bool path_on_fs(const char *path, unsigned long magic) {
        struct statfs s;

        return statfs(path, &s) >= 0 && (unsigned long) s.f_type == magic;
}

/* The pin root must be (or be created) on a BPF filesystem. */
static int pin_root_prepare(const char *pin_root, BpfError *error) {
        _cleanup_free_ char *parent = NULL;
        char *slash;

        if (pin_root[0] != '/')
                return bpf_error_reason(error, -EINVAL, "pin root %s is not absolute", pin_root);
        if (path_on_fs(pin_root, BPF_FS_MAGIC))
                return 0;

        parent = strdup(pin_root);
        if (!parent)
                return -ENOMEM;
        slash = strrchr(parent, '/');
        if (slash == parent)
                slash[1] = 0;
        else
                *slash = 0;
        if (!path_on_fs(parent, BPF_FS_MAGIC))
                return bpf_error_reason(
                        error, -EOPNOTSUPP, "%s is not on a BPF filesystem (bpffs not mounted)", parent);
        if (mkdir(pin_root, 0700) < 0 && errno != EEXIST)
                return bpf_error_set(error, -errno, -errno, "cannot create pin root %s", pin_root);
        if (!path_on_fs(pin_root, BPF_FS_MAGIC))
                return bpf_error_reason(error, -EOPNOTSUPP, "%s is not on a BPF filesystem", pin_root);
        return 0;
}

static int cgroup_id_of_fd(int fd, uint64_t *ret) {
        struct {
                struct file_handle fh;
                uint64_t id;
        } h = { .fh.handle_bytes = sizeof(uint64_t) };
        int mnt_id;

        if (name_to_handle_at(fd, "", &h.fh, &mnt_id, AT_EMPTY_PATH) < 0)
                return -errno;
        if (h.fh.handle_bytes != sizeof(uint64_t))
                return -EOPNOTSUPP;
        memcpy(ret, h.fh.f_handle, sizeof(*ret));
        return 0;
}

static int maps_unpin_all(const char *pin_root) {
        int r = 0;

        for (size_t i = 0; i < ELEMENTSOF(pinned_maps); i++) {
                _cleanup_free_ char *p = path_join(pin_root, pinned_maps[i]);

                if (!p)
                        return -ENOMEM;
                if (unlink(p) < 0 && errno != ENOENT && r == 0)
                        r = -errno;
        }
        return r;
}

static int
skel_open_load(BpfLoader *l, uint64_t sample_interval_usec, struct subflow_bpf **ret, BpfError *error) {
        LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = l->pin_root);
        struct subflow_bpf *skel;
        int r;

        skel = subflow_bpf__open_opts(&oo);
        if (!skel)
                return bpf_error_set(error, -errno, -EOPNOTSUPP, "opening the BPF object");

        skel->rodata->sample_interval_ns = (sample_interval_usec ?: 100 * 1000) * 1000;

        r = subflow_bpf__load(skel);
        if (r < 0) {
                subflow_bpf__destroy(skel);
                return bpf_error_set(error, r, -EOPNOTSUPP, "loading the subflow BPF programs");
        }
        *ret = skel;
        return 0;
}

/* Puts our sock_ops program on the cgroup: swaps it into a pinned link on the same cgroup (no
 * gap), or attaches and pins a new link. */
static int link_attach(BpfLoader *l, int cgroup_fd, BpfError *error) {
        struct bpf_program *prog = l->skel->progs.subflow_sockops;
        struct bpf_link *link;
        uint64_t cgroup_id = 0;
        int r;

        r = cgroup_id_of_fd(cgroup_fd, &cgroup_id);
        if (r < 0)
                return bpf_error_set(error, r, r, "cannot get the id of cgroup %s", l->cgroup_path);

        link = bpf_link__open(l->link_pin_path);
        if (link) {
                struct bpf_link_info info = {};
                uint32_t len = sizeof(info);

                if (bpf_obj_get_info_by_fd(bpf_link__fd(link), &info, &len) >= 0 &&
                    info.type == BPF_LINK_TYPE_CGROUP && info.cgroup.attach_type == BPF_CGROUP_SOCK_OPS &&
                    info.cgroup.cgroup_id == cgroup_id && bpf_link__update_program(link, prog) >= 0) {
                        l->link = link;
                        l->reused_link = true;
                        return 0;
                }
                /* Another cgroup, or a link whose cgroup is gone: replace it. */
                (void) bpf_link__detach(link);
                (void) bpf_link__unpin(link);
                bpf_link__destroy(link);
        } else if (errno != ENOENT)
                return bpf_error_set(
                        error, -errno, -EOPNOTSUPP, "cannot open pinned link %s", l->link_pin_path);

        link = bpf_program__attach_cgroup(prog, cgroup_fd);
        if (!link)
                return bpf_error_set(
                        error, -errno, -EOPNOTSUPP, "attaching sock_ops to cgroup %s", l->cgroup_path);
        r = bpf_link__pin(link, l->link_pin_path);
        if (r < 0) {
                bpf_link__destroy(link);
                return bpf_error_set(error, r, r, "pinning the link at %s", l->link_pin_path);
        }
        l->link = link;
        return 0;
}

int bpf_loader_new(const BpfLoaderOptions *opts, BpfLoader **ret, BpfError *error) {
        static const BpfLoaderOptions defaults = {};
        _cleanup_(bpf_loader_freep) BpfLoader *l = NULL;
        _cleanup_free_ char *params_pin = NULL;
        _cleanup_close_ int cgroup_fd = -EBADF;
        BpfLogCapture capture;
        BpfFeatures f;
        int r;

        if (!ret)
                return -EINVAL;
        opts = opts ?: &defaults;

        bpf_features_detect(NULL, &f);
        if (!f.sock_ops)
                return bpf_error_reason(error, -EOPNOTSUPP, "%s", f.sock_ops_reason);

        l = new0(BpfLoader, 1);
        if (!l)
                return -ENOMEM;
        l->pin_root = strdup(opts->pin_root ?: BPF_LOADER_PIN_ROOT_DEFAULT);
        if (!l->pin_root)
                return -ENOMEM;
        l->link_pin_path = path_join(l->pin_root, BPF_LOADER_LINK_PIN_NAME);
        params_pin = path_join(l->pin_root, "subflow_params");
        if (!l->link_pin_path || !params_pin)
                return -ENOMEM;

        if (opts->cgroup_path) {
                l->cgroup_path = strdup(opts->cgroup_path);
                if (!l->cgroup_path)
                        return -ENOMEM;
        } else {
                r = cgroup2_find_root(NULL, &l->cgroup_path);
                if (r < 0)
                        return bpf_error_set(
                                error, r, r == -ENOENT ? -EOPNOTSUPP : r,
                                "no cgroup v2 hierarchy in /proc/self/mountinfo");
        }
        cgroup_fd = open(l->cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cgroup_fd < 0)
                return bpf_error_set(error, -errno, -errno, "cannot open cgroup %s", l->cgroup_path);
        if (!path_on_fs(l->cgroup_path, CGROUP2_SUPER_MAGIC))
                return bpf_error_reason(error, -EINVAL, "%s is not a cgroup v2 directory", l->cgroup_path);

        r = pin_root_prepare(l->pin_root, error);
        if (r < 0)
                return r;

        l->reused_maps = access(params_pin, F_OK) >= 0;

        bpf_log_capture_begin(&capture);
        r = skel_open_load(l, opts->sample_interval_usec, &l->skel, error);
        if (r < 0 && l->reused_maps) {
                /* Pins left by another version whose maps do not match ours: start afresh (the
                 * daemon rewrites the parameters; telemetry restarts). The old program keeps
                 * running on its maps until the link below gets ours. */
                (void) maps_unpin_all(l->pin_root);
                l->reused_maps = false;
                r = skel_open_load(l, opts->sample_interval_usec, &l->skel, error);
        }
        if (r >= 0)
                r = link_attach(l, cgroup_fd, error);
        bpf_log_capture_end(&capture);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(l);
        return 0;
}

BpfLoader *bpf_loader_free(BpfLoader *l) {
        if (!l)
                return NULL;
        bpf_link__destroy(l->link); /* the pin keeps it attached */
        subflow_bpf__destroy(l->skel);
        free(l->pin_root);
        free(l->link_pin_path);
        free(l->cgroup_path);
        return mfree(l);
}

int bpf_loader_detach(BpfLoader *l, BpfError *error) {
        int r;

        if (!l || !l->link)
                return -EINVAL;

        r = bpf_link__detach(l->link);
        if (r < 0)
                return bpf_error_set(error, r, r, "detaching the sock_ops link");
        r = bpf_link__unpin(l->link);
        if (r < 0 && r != -ENOENT)
                return bpf_error_set(error, r, r, "unpinning %s", l->link_pin_path);
        r = bpf_object__unpin_maps(l->skel->obj, NULL);
        if (r < 0)
                return bpf_error_set(error, r, r, "unpinning the maps under %s", l->pin_root);
        if (rmdir(l->pin_root) < 0 && errno != ENOENT && errno != ENOTEMPTY)
                return bpf_error_set(error, -errno, -errno, "removing %s", l->pin_root);
        return 0;
}

bool bpf_loader_reused_maps(const BpfLoader *l) {
        return l && l->reused_maps;
}

bool bpf_loader_reused_link(const BpfLoader *l) {
        return l && l->reused_link;
}

const char *bpf_loader_cgroup_path(const BpfLoader *l) {
        return l ? l->cgroup_path : NULL;
}

const char *bpf_loader_pin_root(const BpfLoader *l) {
        return l ? l->pin_root : NULL;
}

int bpf_netns_cookie(uint64_t *ret) {
        _cleanup_close_ int fd = -EBADF;
        uint64_t cookie;
        socklen_t len = sizeof(cookie);

        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
                return -errno;
        if (len != sizeof(cookie))
                return -EIO;
        *ret = cookie;
        return 0;
}

int bpf_loader_get_generation(BpfLoader *l, uint32_t *ret) {
        struct subflow_netns ns;
        uint64_t cookie;
        int r;

        if (!l || !ret)
                return -EINVAL;
        r = bpf_netns_cookie(&cookie);
        if (r < 0)
                return r;
        if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.subflow_netns), &cookie, &ns) < 0) {
                if (errno != ENOENT)
                        return -errno;
                ns.generation = 0;
        }
        *ret = ns.generation;
        return 0;
}

static int params_validate(const BpfLinkParams *p) {
        if (p->ifindex == 0)
                return -EINVAL;
        if (p->pacing_rate >= SUBFLOW_PACING_UNLIMITED)
                return -ERANGE;
        if (strnlen(p->congestion, sizeof(p->congestion)) >= sizeof(p->congestion))
                return -EINVAL;
        return 0;
}

static void params_to_map(const BpfLinkParams *p, uint32_t generation, struct subflow_params *ret) {
        *ret = (struct subflow_params){
                .generation = generation,
                .pacing_rate = (uint32_t) p->pacing_rate,
                .notsent_lowat = p->notsent_lowat,
        };
        memcpy(ret->congestion, p->congestion, sizeof(ret->congestion));
}

/* The next generation of the namespace; 0 is never used (it means "never applied"). */
static int generation_next(BpfLoader *l, uint32_t *ret) {
        uint32_t gen;
        int r;

        r = bpf_loader_get_generation(l, &gen);
        if (r < 0)
                return r;
        gen++;
        *ret = gen ?: 1;
        return 0;
}

static int generation_store(BpfLoader *l, uint64_t cookie, uint32_t gen) {
        struct subflow_netns ns = { .generation = gen };

        if (bpf_map_update_elem(bpf_map__fd(l->skel->maps.subflow_netns), &cookie, &ns, BPF_ANY) < 0)
                return -errno;
        return 0;
}

int bpf_loader_set_params(BpfLoader *l, const BpfLinkParams *params, size_t n, uint32_t *ret_generation) {
        _cleanup_free_ struct subflow_params_key *keys = NULL;
        struct subflow_params_key key, next;
        size_t n_keys = 0, size = 0, walked = 0;
        uint64_t cookie;
        uint32_t gen;
        int fd, r;

        if (!l || (n > 0 && !params) || n > SUBFLOW_PARAMS_MAX)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                r = params_validate(&params[i]);
                if (r < 0)
                        return r;
                for (size_t j = 0; j < i; j++)
                        if (params[j].ifindex == params[i].ifindex)
                                return -EINVAL;
        }

        r = bpf_netns_cookie(&cookie);
        if (r < 0)
                return r;
        r = generation_next(l, &gen);
        if (r < 0)
                return r;
        fd = bpf_map__fd(l->skel->maps.subflow_params);

        /* Entries of this namespace that the new set does not have: collect, then delete. */
        /* Bounded: a key deleted under us (another namespace's writer) restarts the walk. */
        for (void *prev = NULL; bpf_map_get_next_key(fd, prev, &next) >= 0 &&
                                walked++ < 2 * SUBFLOW_PARAMS_MAX;
             prev = &key) {
                bool keep = false;

                key = next;
                if (key.netns_cookie != cookie)
                        continue;
                for (size_t i = 0; i < n && !keep; i++)
                        keep = params[i].ifindex == key.ifindex;
                if (keep)
                        continue;
                if (n_keys >= size) {
                        struct subflow_params_key *p;

                        size = MAX(size * 2, 16u);
                        p = realloc(keys, size * sizeof(*keys));
                        if (!p)
                                return -ENOMEM;
                        keys = p;
                }
                keys[n_keys++] = key;
        }
        for (size_t i = 0; i < n_keys; i++)
                if (bpf_map_delete_elem(fd, &keys[i]) < 0 && errno != ENOENT)
                        return -errno;

        for (size_t i = 0; i < n; i++) {
                struct subflow_params v;

                key = (struct subflow_params_key){ .netns_cookie = cookie, .ifindex = params[i].ifindex };
                params_to_map(&params[i], gen, &v);
                if (bpf_map_update_elem(fd, &key, &v, BPF_ANY) < 0)
                        return -errno;
        }

        r = generation_store(l, cookie, gen);
        if (r < 0)
                return r;
        if (ret_generation)
                *ret_generation = gen;
        return 0;
}

int bpf_loader_update_link(
        BpfLoader *l, uint32_t ifindex, const BpfLinkParams *params, uint32_t *ret_generation) {
        struct subflow_params_key key = { .ifindex = ifindex };
        uint64_t cookie;
        uint32_t gen;
        int fd, r;

        if (!l || ifindex == 0 || (params && params->ifindex != ifindex))
                return -EINVAL;
        if (params) {
                r = params_validate(params);
                if (r < 0)
                        return r;
        }
        r = bpf_netns_cookie(&cookie);
        if (r < 0)
                return r;
        r = generation_next(l, &gen);
        if (r < 0)
                return r;
        key.netns_cookie = cookie;
        fd = bpf_map__fd(l->skel->maps.subflow_params);

        if (params) {
                struct subflow_params v;

                params_to_map(params, gen, &v);
                if (bpf_map_update_elem(fd, &key, &v, BPF_ANY) < 0)
                        return -errno;
        } else if (bpf_map_delete_elem(fd, &key) < 0 && errno != ENOENT)
                return -errno;

        r = generation_store(l, cookie, gen);
        if (r < 0)
                return r;
        if (ret_generation)
                *ret_generation = gen;
        return 0;
}

static void telemetry_to_info(uint64_t cookie, const struct subflow_telemetry *t, BpfSubflowInfo *ret) {
        *ret = (BpfSubflowInfo){
                .cookie = cookie,
                .token = t->token,
                .ifindex = t->ifindex,
                .srtt_usec = t->srtt_us,
                .total_retrans = t->total_retrans,
                .snd_cwnd = t->snd_cwnd,
                .bytes_acked = t->bytes_acked,
                .bytes_received = t->bytes_received,
                .max_pacing_rate = t->max_pacing_rate == UINT32_MAX || t->max_pacing_rate == UINT64_MAX
                                           ? UINT64_MAX
                                           : t->max_pacing_rate,
                .generation = t->generation,
                .params_generation = t->params_generation,
                .subflow_id = t->subflow_id,
                .family = t->family,
                .local_port = t->local_port,
                .remote_port = t->remote_port,
                .tcp_state = t->state,
                .backup_local = t->backup & SUBFLOW_BACKUP_LOCAL,
                .backup_remote = t->backup & SUBFLOW_BACKUP_REMOTE,
                .join = t->mp_join,
                .passive = t->passive,
                .updated_usec = t->updated_ns / 1000,
        };
        memcpy(ret->congestion, t->congestion, sizeof(ret->congestion));
        ret->congestion[sizeof(ret->congestion) - 1] = 0;
        memcpy(&ret->local, t->local_addr, sizeof(ret->local));
        memcpy(&ret->remote, t->remote_addr, sizeof(ret->remote));
}

int bpf_loader_read_telemetry(BpfLoader *l, BpfSubflowInfo **ret, size_t *ret_n) {
        _cleanup_free_ BpfSubflowInfo *list = NULL;
        uint64_t cookie, key, next;
        size_t n = 0, size = 0, walked = 0;
        int fd, r;

        if (!l || !ret || !ret_n)
                return -EINVAL;
        r = bpf_netns_cookie(&cookie);
        if (r < 0)
                return r;
        fd = bpf_map__fd(l->skel->maps.subflow_telem);

        /* A key deleted under us makes get_next_key restart from the first one: bound the walk. */
        for (void *prev = NULL; bpf_map_get_next_key(fd, prev, &next) >= 0; prev = &key) {
                struct subflow_telemetry t;

                if (++walked > 2 * SUBFLOW_TELEMETRY_MAX) {
                        errno = ENOENT;
                        break;
                }
                key = next;
                if (bpf_map_lookup_elem(fd, &key, &t) < 0)
                        continue; /* evicted or deleted meanwhile */
                if (t.netns_cookie != cookie)
                        continue;
                if (n >= size) {
                        BpfSubflowInfo *p;

                        size = MAX(size * 2, 16u);
                        p = realloc(list, size * sizeof(*list));
                        if (!p)
                                return -ENOMEM;
                        list = p;
                }
                telemetry_to_info(key, &t, &list[n++]);
        }
        if (errno != ENOENT)
                return -errno;

        *ret = TAKE_PTR(list);
        *ret_n = n;
        return 0;
}

int bpf_loader_prune_telemetry(BpfLoader *l) {
        _cleanup_free_ BpfSubflowInfo *list = NULL;
        size_t n;
        int fd, r, pruned = 0;

        r = bpf_loader_read_telemetry(l, &list, &n);
        if (r < 0)
                return r;
        fd = bpf_map__fd(l->skel->maps.subflow_telem);
        for (size_t i = 0; i < n; i++) {
                if (list[i].tcp_state != TCP_STATE_CLOSE)
                        continue;
                if (bpf_map_delete_elem(fd, &list[i].cookie) >= 0)
                        pruned++;
                else if (errno != ENOENT)
                        return -errno;
        }
        return pruned;
}

int bpf_loader_iter_apply(BpfLoader *l, BpfError *error) {
        struct bpf_link *link;
        _cleanup_close_ int fd = -EBADF;
        uint64_t buf[64];
        size_t bytes = 0;
        ssize_t k;

        if (!l)
                return -EINVAL;

        link = bpf_program__attach_iter(l->skel->progs.subflow_iter, NULL);
        if (!link)
                return bpf_error_set(error, -errno, -EOPNOTSUPP, "attaching the iter/tcp program");
        fd = bpf_iter_create(bpf_link__fd(link));
        if (fd < 0) {
                int e = -errno;

                bpf_link__destroy(link);
                return bpf_error_set(error, e, -EOPNOTSUPP, "creating the tcp iterator");
        }
        while ((k = read(fd, buf, sizeof(buf))) > 0)
                bytes += (size_t) k;
        if (k < 0) {
                int e = -errno;

                bpf_link__destroy(link);
                return bpf_error_set(error, e, e, "reading the tcp iterator");
        }
        bpf_link__destroy(link);
        return (int) MIN(bytes / sizeof(uint64_t), (size_t) INT32_MAX);
}

int bpf_loader_read_stats(BpfLoader *l, BpfStats *ret) {
        uint64_t v[_SUBFLOW_STAT_MAX] = {};
        int fd;

        if (!l || !ret)
                return -EINVAL;
        fd = bpf_map__fd(l->skel->maps.subflow_stats);
        for (uint32_t i = 0; i < _SUBFLOW_STAT_MAX; i++)
                if (bpf_map_lookup_elem(fd, &i, &v[i]) < 0)
                        return -errno;
        *ret = (BpfStats){
                .subflows = v[SUBFLOW_STAT_SUBFLOWS],
                .applied = v[SUBFLOW_STAT_APPLIED],
                .setsockopt_errors = v[SUBFLOW_STAT_SETSOCKOPT_ERR],
                .no_storage = v[SUBFLOW_STAT_NO_STORAGE],
                .iter_visited = v[SUBFLOW_STAT_ITER_VISITED],
        };
        return 0;
}
