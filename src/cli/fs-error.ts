// The words a shell uses for a file it cannot read (strerror of the errno), for `nsemu: FILE: …`.
export function fsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  return code === 'ENOENT' ? 'No such file or directory' : code === 'EISDIR' ? 'Is a directory' : code === 'EACCES' ? 'Permission denied' : code === 'ENOTDIR' ? 'Not a directory' : code === 'EEXIST' ? 'File exists' : String((e as Error).message);
}
