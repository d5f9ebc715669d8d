int copy_name(char *dst, const char *src, int size)
{
    int count = 0;
    for (int i = 0; i < size; i++) {
        if (src[i] == '\0')
            break;
        dst[i] = src[i];
        count += 1;
    }
    dst[count] = '\0';
    return count;
}
