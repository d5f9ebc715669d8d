"""Identifier rules and sources of new names for renaming.

Reserved names are the language's keywords (those of the standard, and every keyword-like
token of the tree-sitter grammar, so a new name never changes how the code parses) plus the
names of its common library (C: the standard headers' functions, macros and types; Java:
java.lang and the usual java.util, java.io and java.net classes). A name is a valid *new* name for a piece of code when it is a valid
identifier of the language, is not reserved, and is not any identifier-like token that appears
anywhere in the code (comments and strings included, which over-approximates on purpose: a
collision is never possible, and macros whose bodies tree-sitter does not parse are covered).

Name sources are pluggable: `RandomNames` (seeded random identifiers), `ListNames` (a given
list) and `CallableNames` (a function `(name, context) -> candidates`, e.g. masked-LM
substitutes). `pick_name` takes the first acceptable candidate a source proposes.
"""

from __future__ import annotations

import abc
import functools
import random
import re
import string
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field

from metacompress.code.parsing import ParsedCode, language
from metacompress.errors import ConfigError

_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`."""
    return frozenset(text.split())


C_KEYWORDS = _words(
    """
    auto break case char const continue default do double else enum extern float for goto if
    inline int long register restrict return short signed sizeof static struct switch typedef
    union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic
    _Imaginary _Noreturn _Static_assert _Thread_local alignas alignof bool constexpr false
    nullptr static_assert thread_local true typeof typeof_unqual _BitInt _Decimal32 _Decimal64
    _Decimal128 asm __asm__ __asm __attribute__ __attribute __inline __inline__ __restrict
    __restrict__ __typeof__ __typeof __extension__ __volatile__ __const __signed__ __label__
    __builtin_va_list __func__ __FUNCTION__ __PRETTY_FUNCTION__ __LINE__ __FILE__ __DATE__
    __TIME__ __STDC__ __STDC_VERSION__ __cplusplus defined
    """
)

#: C++ keywords: not C keywords, but a C function renamed to `class` or `new` would no longer
#: compile as C++, and no tokenizer of a code model treats them as plain names.
CPP_KEYWORDS = _words(
    """
    and and_eq bitand bitor catch char8_t char16_t char32_t class compl concept consteval
    constinit const_cast co_await co_return co_yield decltype delete dynamic_cast explicit
    export friend mutable namespace new noexcept not not_eq operator or or_eq private
    protected public reinterpret_cast requires static_cast template this throw try typeid
    typename using virtual wchar_t xor xor_eq final override
    """
)

C_LIBRARY = _words(
    """
    main NULL EOF BUFSIZ FILENAME_MAX FOPEN_MAX L_tmpnam TMP_MAX SEEK_SET SEEK_CUR SEEK_END
    FILE fpos_t stdin stdout stderr printf fprintf sprintf snprintf vprintf vfprintf vsprintf
    vsnprintf scanf fscanf sscanf vscanf vfscanf vsscanf fopen fclose freopen fdopen fileno
    fread fwrite fgets fputs puts gets getc putc getchar putchar fgetc fputc ungetc fseek
    fseeko ftell ftello rewind fgetpos fsetpos fflush feof ferror clearerr perror remove rename
    tmpfile tmpnam setbuf setvbuf popen pclose getline getdelim dprintf asprintf
    malloc calloc realloc free aligned_alloc abort exit _Exit quick_exit atexit at_quick_exit
    atoi atol atoll atof strtol strtoul strtoll strtoull strtod strtof strtold strtoimax
    strtoumax rand srand rand_r random srandom qsort bsearch abs labs llabs div ldiv lldiv
    div_t ldiv_t getenv setenv unsetenv putenv system mblen mbtowc wctomb mbstowcs wcstombs
    realpath mkstemp posix_memalign EXIT_SUCCESS EXIT_FAILURE RAND_MAX MB_CUR_MAX
    memcpy memmove memset memcmp memchr memccpy strcpy strncpy strcat strncat strcmp strncmp
    strlen strnlen strchr strrchr strstr strtok strtok_r strdup strndup strerror strspn
    strcspn strpbrk strcoll strxfrm strcasecmp strncasecmp strsep strlcpy strlcat bzero bcopy
    bcmp index rindex
    sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh exp exp2 expm1 log
    log10 log2 log1p logb pow sqrt cbrt hypot ceil floor fabs fmod remainder round lround
    llround trunc rint lrint nearbyint fmin fmax fdim fma ldexp frexp modf scalbn ilogb erf
    erfc tgamma lgamma copysign nan isnan isinf isfinite isnormal signbit fpclassify
    HUGE_VAL HUGE_VALF INFINITY NAN M_PI M_E M_SQRT2 M_LN2 FLT_MAX FLT_MIN FLT_EPSILON DBL_MAX
    DBL_MIN DBL_EPSILON float_t double_t
    isalpha isdigit isalnum isspace isupper islower isxdigit ispunct isprint iscntrl isgraph
    isblank isascii toupper tolower toascii
    assert static_assert NDEBUG offsetof size_t ssize_t ptrdiff_t wchar_t wint_t max_align_t
    int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t int_least8_t
    int_least16_t int_least32_t int_least64_t uint_least8_t uint_least16_t uint_least32_t
    uint_least64_t int_fast8_t int_fast16_t int_fast32_t int_fast64_t uint_fast8_t
    uint_fast16_t uint_fast32_t uint_fast64_t intptr_t uintptr_t intmax_t uintmax_t
    INT8_MIN INT16_MIN INT32_MIN INT64_MIN INT8_MAX INT16_MAX INT32_MAX INT64_MAX UINT8_MAX
    UINT16_MAX UINT32_MAX UINT64_MAX INTPTR_MAX UINTPTR_MAX SIZE_MAX PTRDIFF_MAX INTMAX_MAX
    UINTMAX_MAX INT64_C UINT64_C INT32_C UINT32_C
    CHAR_BIT CHAR_MIN CHAR_MAX SCHAR_MIN SCHAR_MAX UCHAR_MAX SHRT_MIN SHRT_MAX USHRT_MAX
    INT_MIN INT_MAX UINT_MAX LONG_MIN LONG_MAX ULONG_MAX LLONG_MIN LLONG_MAX ULLONG_MAX
    PATH_MAX
    errno EDOM ERANGE EILSEQ EINVAL ENOMEM EAGAIN EIO ENOENT EPERM EEXIST EBUSY ENOSPC EFAULT
    ENOSYS EINTR EBADF EACCES ENOTSUP ETIMEDOUT EPIPE ENODEV ENXIO E2BIG EOVERFLOW EWOULDBLOCK
    time clock difftime mktime localtime gmtime asctime ctime strftime time_t clock_t tm
    timespec timeval CLOCKS_PER_SEC gettimeofday clock_gettime nanosleep
    signal raise sig_atomic_t SIGINT SIGTERM SIGSEGV SIGABRT SIGFPE SIGILL SIGKILL SIGALRM
    SIG_DFL SIG_IGN SIG_ERR setjmp longjmp jmp_buf
    va_list va_start va_end va_arg va_copy
    read write close open lseek sleep usleep fork getpid getppid pipe dup dup2 unlink access
    chdir getcwd rmdir mkdir stat fstat lstat ioctl fcntl mmap munmap kill wait waitpid
    execv execvp execl off_t pid_t uid_t gid_t mode_t socklen_t O_RDONLY O_WRONLY O_RDWR
    O_CREAT O_TRUNC O_APPEND
    wcslen wcscpy wcsncpy wcscat wcsncat wcscmp wcsncmp wcschr wcsrchr wcsstr wcstok wprintf
    fwprintf swprintf wscanf fgetws fputws wmemcpy wmemset wmemmove wcstol wcstoul WEOF
    bool true false
    alloca memalign
    """
)

JAVA_KEYWORDS = _words(
    """
    abstract assert boolean break byte case catch char class const continue default do double
    else enum extends final finally float for goto if implements import instanceof int
    interface long native new package private protected public return short static strictfp
    super switch synchronized this throw throws transient try void volatile while _
    var yield record sealed permits module open opens exports requires transitive to uses
    provides with when true false null
    """
)

JAVA_LIBRARY = _words(
    """
    Object String StringBuilder StringBuffer Integer Long Short Byte Character Boolean Double
    Float Number Math StrictMath System Thread ThreadLocal Runnable Runtime Process
    ProcessBuilder Class ClassLoader Enum Iterable Comparable CharSequence Void Record
    Cloneable AutoCloseable Appendable Readable Exception RuntimeException Error Throwable
    IllegalArgumentException IllegalStateException NullPointerException
    ArrayIndexOutOfBoundsException IndexOutOfBoundsException StringIndexOutOfBoundsException
    ClassCastException ArithmeticException NumberFormatException
    UnsupportedOperationException InterruptedException CloneNotSupportedException
    ClassNotFoundException SecurityException NegativeArraySizeException
    ArrayStoreException OutOfMemoryError StackOverflowError AssertionError
    ReflectiveOperationException NoSuchMethodException NoSuchFieldException
    InstantiationException IllegalAccessException Override Deprecated SuppressWarnings
    FunctionalInterface SafeVarargs Package
    List ArrayList LinkedList Map HashMap TreeMap LinkedHashMap SortedMap NavigableMap Set
    HashSet TreeSet LinkedHashSet SortedSet Collection Collections Arrays Iterator
    ListIterator Enumeration Vector Hashtable Properties Random Scanner Date Calendar
    GregorianCalendar TimeZone Locale Optional Objects Queue Deque ArrayDeque PriorityQueue
    Stack StringTokenizer UUID BitSet Comparator EnumMap EnumSet IdentityHashMap WeakHashMap
    AbstractList AbstractMap Formatter Timer TimerTask Currency Base64 Entry
    NoSuchElementException ConcurrentModificationException ConcurrentHashMap
    CopyOnWriteArrayList AtomicInteger AtomicLong AtomicBoolean ExecutorService Executors
    Future Callable TimeUnit Function Supplier Consumer Predicate BiFunction Stream
    Collectors Pattern Matcher
    File InputStream OutputStream FileInputStream FileOutputStream BufferedReader
    BufferedWriter InputStreamReader OutputStreamWriter Reader Writer FileReader FileWriter
    PrintStream PrintWriter StringReader StringWriter IOException FileNotFoundException
    EOFException UnsupportedEncodingException UncheckedIOException ByteArrayInputStream
    ByteArrayOutputStream DataInputStream DataOutputStream ObjectInputStream
    ObjectOutputStream BufferedInputStream BufferedOutputStream RandomAccessFile
    Serializable Closeable Flushable Console FileFilter FilenameFilter
    URL URI URLConnection HttpURLConnection Socket ServerSocket InetAddress
    MalformedURLException URISyntaxException URLEncoder URLDecoder
    Path Paths Files Charset StandardCharsets ByteBuffer CharBuffer FileChannel
    BigInteger BigDecimal MessageDigest NoSuchAlgorithmException
    SimpleDateFormat DateFormat DecimalFormat NumberFormat ParseException
    Connection Statement PreparedStatement ResultSet SQLException DriverManager
    length main args out err in
    """
)

#: Words tree-sitter-c reads as literals or primitive types wherever they stand.
C_PARSER_WORDS = _words(
    """
    TRUE FALSE NULL nullptr charptr_t nullptr_t char8_t char16_t char32_t char64_t int8_t
    int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t size_t ssize_t ptrdiff_t
    intptr_t uintptr_t max_align_t bool
    """
)


@functools.cache
def grammar_keywords(lang: str) -> frozenset[str]:
    """The identifier-shaped anonymous tokens of the tree-sitter grammar of `lang` (its
    keywords, contextual ones included): a name spelt so may be parsed as a keyword."""
    grammar = language(lang)
    words = (
        grammar.node_kind_for_id(i)
        for i in range(grammar.node_kind_count)
        if grammar.node_kind_is_visible(i) and not grammar.node_kind_is_named(i)
    )
    return frozenset(w for w in words if w and _WORD.fullmatch(w))


#: The wrapper class that bare Java methods are parsed inside (see parsing.py).
_JAVA_INTERNAL = frozenset({"MetaCompressWrapper"})

_KEYWORDS = {
    "c": C_KEYWORDS | C_PARSER_WORDS | grammar_keywords("c"),
    "java": JAVA_KEYWORDS | grammar_keywords("java"),
}
_RESERVED = {
    "c": _KEYWORDS["c"] | CPP_KEYWORDS | C_LIBRARY,
    "java": _KEYWORDS["java"] | JAVA_LIBRARY | _JAVA_INTERNAL,
}
_C_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: Identifier-like tokens: a letter, `_` or `$` followed by letters, digits, `_` or `$`.
_TOKEN = re.compile(r"[^\W\d][\w$]*|\$[\w$]*")
_ASCII_TOKEN = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def reserved_names(lang: str) -> frozenset[str]:
    """Keywords and common library names of `lang`, never used as new names."""
    try:
        return _RESERVED[lang]
    except KeyError:
        raise ConfigError(f"language must be one of {sorted(_RESERVED)}, got {lang!r}") from None


def is_reserved(name: str, lang: str) -> bool:
    """True for keywords, library names, and C names reserved to the implementation
    (`__x`, `_X`)."""
    if name in reserved_names(lang):
        return True
    return (
        lang == "c" and len(name) > 1 and name[0] == "_" and (name[1] == "_" or name[1].isupper())
    )


def is_valid_identifier(name: str, lang: str) -> bool:
    """Whether `name` is an identifier of `lang` (not a keyword).

    C: `[A-Za-z_][A-Za-z0-9_]*` (ASCII; universal character names are not produced). Java: a
    Java letter (Unicode letter, `_`, `$`) followed by Java letters or digits.
    """
    return _has_identifier_form(name, lang) and name not in _KEYWORDS[lang]


def _has_identifier_form(name: str, lang: str) -> bool:
    reserved_names(lang)
    if not isinstance(name, str) or not name:
        return False
    if lang == "c":
        return _C_IDENTIFIER.match(name) is not None
    return name.replace("$", "_").isidentifier()


def identifier_tokens(code: str) -> list[str]:
    """Every identifier-like token of `code` in order, in code, comments, strings and macros
    alike (a letter, `_` or `$`, then letters, digits, `_` or `$`; Unicode letters count)."""
    return (_ASCII_TOKEN if code.isascii() else _TOKEN).findall(code)


def code_identifiers(code: str) -> frozenset[str]:
    """The set of `identifier_tokens` of `code`."""
    return frozenset(identifier_tokens(code))


def is_valid_new_name(name: str, parsed: ParsedCode) -> bool:
    """Valid identifier of `parsed.lang`, not reserved, and absent from the code."""
    return (
        is_valid_identifier(name, parsed.lang)
        and not is_reserved(name, parsed.lang)
        and name not in code_identifiers(parsed.code)
    )


def acceptable(name: str, taken: Collection[str], lang: str) -> bool:
    """A valid, unreserved identifier of `lang` not in `taken`."""
    return is_valid_identifier(name, lang) and not is_reserved(name, lang) and name not in taken


_FIRST = string.ascii_lowercase
_REST = string.ascii_lowercase + string.ascii_uppercase + string.digits


def random_identifier(rng: random.Random, min_length: int = 3, max_length: int = 8) -> str:
    """A random identifier: a lowercase letter, then letters and digits; length uniform in
    [min_length, max_length]."""
    length = rng.randint(min_length, max_length)
    return rng.choice(_FIRST) + "".join(rng.choices(_REST, k=length - 1))


def fresh_identifier(
    taken: Collection[str], lang: str, rng: random.Random, stem: str | None = None
) -> str:
    """A new identifier of `lang` not in `taken` and not reserved, deterministic under `rng`.

    With a `stem`, the stem itself if free (and not reserved), else `stem_N` for the smallest free N >= 2;
    without, random identifiers (`random_identifier`) until one is free.
    """
    if stem is not None:
        if not _has_identifier_form(stem, lang):
            raise ConfigError(f"stem must have the form of a {lang} identifier, got {stem!r}")
        if acceptable(stem, taken, lang):
            return stem
        number = 2
        while not acceptable(f"{stem}_{number}", taken, lang):
            number += 1
        return f"{stem}_{number}"
    length = 3
    while True:
        for _ in range(64):
            candidate = random_identifier(rng, length, length + 5)
            if acceptable(candidate, taken, lang):
                return candidate
        length += 1


@dataclass(frozen=True)
class NameContext:
    """What a name source may look at: the code, the symbol being renamed and the names that
    are already taken (`occurrences` are byte spans of the symbol in `code`)."""

    lang: str
    code: str
    kind: str
    occurrences: tuple[tuple[int, int], ...] = ()
    taken: frozenset[str] = field(default_factory=frozenset)


class NameSource(abc.ABC):
    """Proposes candidate new names for a symbol, best first."""

    @abc.abstractmethod
    def candidates(self, name: str, context: NameContext, rng: random.Random) -> Iterable[str]:
        """Candidate replacements for `name` (may be infinite); unacceptable ones are skipped."""


@dataclass(frozen=True)
class RandomNames(NameSource):
    """Seeded random identifiers (`random_identifier`), an endless supply."""

    min_length: int = 3
    max_length: int = 8

    def __post_init__(self) -> None:
        if not 1 <= self.min_length <= self.max_length:
            raise ConfigError(
                "expected 1 <= min_length <= max_length, "
                f"got min_length={self.min_length}, max_length={self.max_length}"
            )

    def candidates(self, name: str, context: NameContext, rng: random.Random) -> Iterator[str]:
        while True:
            yield random_identifier(rng, self.min_length, self.max_length)


@dataclass(frozen=True)
class ListNames(NameSource):
    """Names drawn from a given list, in an order shuffled by the rng."""

    names: tuple[str, ...]

    def __post_init__(self) -> None:
        if isinstance(self.names, str) or not all(isinstance(n, str) for n in self.names):
            raise ConfigError(f"names must be a list of strings, got {self.names!r}")
        object.__setattr__(self, "names", tuple(self.names))

    def candidates(self, name: str, context: NameContext, rng: random.Random) -> list[str]:
        order = list(self.names)
        rng.shuffle(order)
        return order


@dataclass(frozen=True)
class CallableNames(NameSource):
    """Names proposed by `fn(name, context)`, taken in the order given (e.g. ranked masked-LM
    substitutes)."""

    fn: Callable[[str, NameContext], Iterable[str]]

    def candidates(self, name: str, context: NameContext, rng: random.Random) -> Iterable[str]:
        return self.fn(name, context)


def as_name_source(source: NameSource | Callable | Iterable[str] | None) -> NameSource:
    """Coerce a source: None -> random names, a callable -> CallableNames, a list -> ListNames."""
    if source is None:
        return RandomNames()
    if isinstance(source, NameSource):
        return source
    if callable(source):
        return CallableNames(source)
    return ListNames(tuple(source))


#: How many candidates `pick_name` examines before giving up on an endless source.
MAX_CANDIDATES = 10_000


def pick_name(
    source: NameSource, name: str, context: NameContext, rng: random.Random
) -> str | None:
    """The first candidate of `source` that is acceptable (valid, unreserved, not in
    `context.taken`), or None when the source runs out."""
    for count, candidate in enumerate(source.candidates(name, context, rng)):
        if count >= MAX_CANDIDATES:
            break
        if acceptable(candidate, context.taken, context.lang):
            return candidate
    return None
