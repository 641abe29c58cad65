#ifndef SCM_COPENSSL_H
#define SCM_COPENSSL_H
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/* OpenSSL spells these as macros, which Swift cannot import: one-line functions instead. */
long scm_BIO_get_mem_data(BIO *bio, char **data);
int scm_EVP_PKEY_CTX_set_rsa_keygen_bits(EVP_PKEY_CTX *ctx, int bits);
int scm_EVP_PKEY_CTX_set_ec_paramgen_curve_nid(EVP_PKEY_CTX *ctx, int nid);
int scm_EVP_CIPHER_CTX_get_tag(EVP_CIPHER_CTX *ctx, unsigned char *tag, int len);
int scm_EVP_CIPHER_CTX_set_tag(EVP_CIPHER_CTX *ctx, unsigned char *tag, int len);
int scm_EVP_CIPHER_CTX_set_ivlen(EVP_CIPHER_CTX *ctx, int len);
STACK_OF(X509) *scm_sk_X509_new_null(void);
int scm_sk_X509_push(STACK_OF(X509) *stack, X509 *cert);
void scm_sk_X509_pop_free(STACK_OF(X509) *stack);
int scm_sk_X509_num(const STACK_OF(X509) *stack);
X509 *scm_sk_X509_value(const STACK_OF(X509) *stack, int index);
STACK_OF(X509_EXTENSION) *scm_sk_X509_EXTENSION_new_null(void);
int scm_sk_X509_EXTENSION_push(STACK_OF(X509_EXTENSION) *stack, X509_EXTENSION *ext);
void scm_sk_X509_EXTENSION_pop_free(STACK_OF(X509_EXTENSION) *stack);
int scm_sk_GENERAL_NAME_num(const GENERAL_NAMES *names);
GENERAL_NAME *scm_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index);
void scm_GENERAL_NAMES_free(GENERAL_NAMES *names);
/* Added for SCMPKI. */
void scm_OPENSSL_free(void *pointer);
int scm_sk_GENERAL_NAME_push(GENERAL_NAMES *names, GENERAL_NAME *name);
unsigned long scm_XN_FLAG_RFC2253_UTF8(void);
#endif
