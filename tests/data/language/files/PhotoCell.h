//
//  PhotoCell.h
//  Gallery
//

#import <Foundation/Foundation.h>
@class PHAsset;

@protocol PhotoCellDelegate <NSObject>
- (void)photoCellDidTapFavorite:(id)cell;
@end

@interface PhotoCell : NSObject
@property (nonatomic, weak) id<PhotoCellDelegate> delegate;
@property (nonatomic, strong) PHAsset *asset;
- (instancetype)initWithAsset:(PHAsset *)asset;
@end
