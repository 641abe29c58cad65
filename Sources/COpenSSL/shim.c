#include "COpenSSL.h"

long scm_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
int scm_EVP_PKEY_CTX_set_rsa_keygen_bits(EVP_PKEY_CTX *ctx, int bits) { return EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits); }
int scm_EVP_PKEY_CTX_set_ec_paramgen_curve_nid(EVP_PKEY_CTX *ctx, int nid) { return EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, nid); }
int scm_EVP_CIPHER_CTX_get_tag(EVP_CIPHER_CTX *ctx, unsigned char *tag, int len) { return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, len, tag); }
int scm_EVP_CIPHER_CTX_set_tag(EVP_CIPHER_CTX *ctx, unsigned char *tag, int len) { return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, len, tag); }
int scm_EVP_CIPHER_CTX_set_ivlen(EVP_CIPHER_CTX *ctx, int len) { return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, len, NULL); }
STACK_OF(X509) *scm_sk_X509_new_null(void) { return sk_X509_new_null(); }
int scm_sk_X509_push(STACK_OF(X509) *stack, X509 *cert) { return sk_X509_push(stack, cert); }
void scm_sk_X509_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }
int scm_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
X509 *scm_sk_X509_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }
STACK_OF(X509_EXTENSION) *scm_sk_X509_EXTENSION_new_null(void) { return sk_X509_EXTENSION_new_null(); }
int scm_sk_X509_EXTENSION_push(STACK_OF(X509_EXTENSION) *stack, X509_EXTENSION *ext) { return sk_X509_EXTENSION_push(stack, ext); }
void scm_sk_X509_EXTENSION_pop_free(STACK_OF(X509_EXTENSION) *stack) { sk_X509_EXTENSION_pop_free(stack, X509_EXTENSION_free); }
int scm_sk_GENERAL_NAME_num(const GENERAL_NAMES *names) { return sk_GENERAL_NAME_num(names); }
GENERAL_NAME *scm_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index) { return sk_GENERAL_NAME_value(names, index); }
void scm_GENERAL_NAMES_free(GENERAL_NAMES *names) { GENERAL_NAMES_free(names); }
void scm_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }
int scm_sk_GENERAL_NAME_push(GENERAL_NAMES *names, GENERAL_NAME *name) { return sk_GENERAL_NAME_push(names, name); }
unsigned long scm_XN_FLAG_RFC2253_UTF8(void) { return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB; }
