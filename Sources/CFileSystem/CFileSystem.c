#include "CFileSystem.h"
#include <sys/vfs.h>

// statfs lives in <sys/vfs.h>, which Swift's Glibc module does not export.
long runbook_fs_type(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) {
        return -1;
    }
    return (long)info.f_type;
}

long runbook_fd_fs_type(int descriptor) {
    struct statfs info;
    if (fstatfs(descriptor, &info) != 0) {
        return -1;
    }
    return (long)info.f_type;
}
