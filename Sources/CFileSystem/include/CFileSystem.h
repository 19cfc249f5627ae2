#ifndef RUNBOOK_CFILESYSTEM_H
#define RUNBOOK_CFILESYSTEM_H

/// The file system type (statfs f_type) of the file system holding `path`; -1 on error.
long runbook_fs_type(const char *path);

/// The file system type (fstatfs f_type) of an open descriptor's file system; -1 on error.
long runbook_fd_fs_type(int descriptor);

#endif
