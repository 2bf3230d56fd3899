//! The process's memory as the system sees it. glibc's allocator keeps what a program frees
//! for its next allocations; lemma's work comes in stages whose peaks differ tenfold (a whole
//! site's formulas, then one part of the search index), and what one stage freed should not
//! stay resident through the next.

/// glibc's allocator raises its mmap threshold each time a large block is freed, so that the
/// pages of a full render (hundreds of KB each, made and dropped on every rendering thread) end
/// up in the heaps, which it cannot give back in pieces: a long-running `serve` then grew by a
/// third over a few template edits. A fixed threshold keeps such blocks mapped on their own and
/// returned when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn keep_large_blocks_mapped() {
    const THRESHOLD: libc::c_int = 128 * 1024;
    // SAFETY: mallopt only changes allocator settings; it is called before the threads that
    // allocate are started, and a refused setting (0) leaves the default, which still works.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, THRESHOLD);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn keep_large_blocks_mapped() {}

/// Returns the free pages of every heap to the system. Small blocks freed in bulk (a site's
/// rendered formulas, Pagefind's word lists) are otherwise kept: measured on the 1,000-article
/// benchmark, dropping the site before indexing left 158 MB resident, and 55 MB after this.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn give_back() {
    // SAFETY: malloc_trim only releases memory the allocator holds free; it takes its own
    // locks and may be called from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn give_back() {}
