/* aws_xml.h: the tiny XML reading the Query protocol needs (STS answers and
 * Query-style errors): the text of the first <Tag>...</Tag>.  Written by hand
 * because three flat tags do not justify an XML library dependency. */
#ifndef CUTOVER_AWS_XML_H
#define CUTOVER_AWS_XML_H

#include <stddef.h>

/* Copy the entity-decoded text of the first <tag>...</tag> (attributes on
 * the opening tag allowed) into out.  Returns 1 when found, 0 otherwise
 * (out is then ""). */
int aws_xml_tag(const char *body, size_t len, const char *tag, char *out, size_t n);

#endif
